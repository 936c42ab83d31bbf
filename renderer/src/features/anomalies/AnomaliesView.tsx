import { useState } from 'react';
import { SegmentedControl, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconSparkles } from '@tabler/icons-react';
import type { AnomalyEventData } from '../../../../shared/api/stream.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { alertQueries } from '../alerts/queries.ts';
import { metricsQueries } from '../metrics/queries.ts';
import { AnomalyCard } from './AnomalyCard.tsx';
import { LIVE_ANOMALIES_KEY, findAnomalyDetail } from './live-anomalies.ts';
import { selectorForTarget } from './target-selector.ts';

/**
 * Anomalies as the engine reported them (each becomes an alert of source `anomaly`), with
 * the explanation, the score against the threshold and the metrics around the onset.
 */
export function AnomaliesView() {
  const api = useApi();
  const [state, setState] = useState('firing,acknowledged');
  const anomalies = useQuery(alertQueries.list(api, { source: 'anomaly', state, sort: 'startsAt', order: 'desc', limit: 50 }));
  const series = useQuery(metricsQueries.series(api));
  const live = useQuery<AnomalyEventData[]>({ queryKey: LIVE_ANOMALIES_KEY, queryFn: () => [], staleTime: Infinity });

  return (
    <>
      <PageHeader title="Anomalies" description="What the models found unusual, why, and what the metrics did around it." />
      <SegmentedControl
        mb="md"
        aria-label="Anomaly state"
        value={state}
        onChange={setState}
        data={[{ value: 'firing,acknowledged', label: 'Active' }, { value: 'firing,acknowledged,resolved', label: 'All' }]}
      />
      <QueryState
        query={anomalies}
        isEmpty={(data) => data.items.length === 0}
        empty={{ title: 'No anomalies', description: 'Nothing has behaved unusually. Anomalies appear here as the engine scores new samples.', icon: <IconSparkles size={24} /> }}
        unavailable={{ title: 'Anomaly detection is not available on this server' }}
      >
        {(data) => (
          <Stack>
            {data.items.map((alert) => (
              <AnomalyCard
                key={alert.id}
                alert={alert}
                detail={findAnomalyDetail(live.data, alert.labels.target, alert.startsAt)}
                selector={alert.labels.target ? selectorForTarget(series.data?.series ?? [], alert.labels.target) : null}
              />
            ))}
          </Stack>
        )}
      </QueryState>
    </>
  );
}
