import { useState } from 'react';
import { Group, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconSparkles } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { metricsQueries } from '../metrics/queries.ts';
import { AnomalyCard } from './AnomalyCard.tsx';
import { anomalyQueries } from './queries.ts';
import { selectorForTarget } from './target-selector.ts';
import { usePickerWidth } from '../../components/responsive/use-compact.ts';

/**
 * What the anomaly engine found: each event with its explanation (which metrics moved, how
 * far from their baseline) and the metrics of the target around it.
 */
export function AnomaliesView() {
  const api = useApi();
  const width = usePickerWidth();
  const [target, setTarget] = useState<string | null>(null);
  const status = useQuery(anomalyQueries.status(api));
  const events = useQuery(anomalyQueries.events(api, target ?? undefined));
  const series = useQuery(metricsQueries.series(api));
  const targets = (status.data?.targets ?? []).map((entry) => entry.target).sort();

  return (
    <>
      <PageHeader title="Anomalies" description="What the models found unusual, why, and what the metrics did around it." />
      <Group mb="md" gap="sm" align="flex-end">
        <Select label="Target" placeholder="All targets" clearable searchable data={targets} value={target} onChange={setTarget} w={width(260)} />
        {status.data && (
          <Text size="xs" c="dimmed">
            {status.data.targets.filter((entry) => entry.activeModelId !== null).length} of {status.data.targets.length} targets have an active model
          </Text>
        )}
      </Group>
      <QueryState
        query={events}
        isEmpty={(data) => data.length === 0}
        empty={{ title: 'No anomalies', description: 'Nothing has behaved unusually. Anomalies appear here as the engine scores new samples.', icon: <IconSparkles size={24} /> }}
        unavailable={{ title: 'Anomaly detection is not available on this server' }}
      >
        {(data) => (
          <Stack>
            {data.map((event) => (
              <AnomalyCard key={event.id} event={event} selector={selectorForTarget(series.data?.series ?? [], event.target)} />
            ))}
          </Stack>
        )}
      </QueryState>
    </>
  );
}
