import { Anchor, Button, Grid, Group, Stack, Text, Title, useComputedColorScheme } from '@mantine/core';
import { statusTextColor } from '../../lib/status-text-color.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentMetrics } from './IncidentMetrics.tsx';
import { IncidentStatusBadge } from './StatusBadge.tsx';
import { IncidentTimeline } from './IncidentTimeline.tsx';
import { IncidentControls } from './IncidentControls.tsx';
import { MergeSplitActions } from './MergeSplitActions.tsx';
import { incidentCounts } from './incident-counts.ts';
import { OfflineActions } from './OfflineActions.tsx';
import { IncidentSourceQueries } from './IncidentSourceQueries.tsx';
import { incidentQueries } from './queries.ts';
import { SuggestedRunbooks } from '../runbooks/SuggestedRunbooks.tsx';
import { LinkedAlerts } from './LinkedAlerts.tsx';
import { LocalScores } from './LocalScores.tsx';
import { IconHistory } from '@tabler/icons-react';

export function IncidentDetailView({ params }: RouteProps<'/incidents/:id'>) {
  const api = useApi();
  const scheme = useComputedColorScheme('light');
  const id = Number(params.id);
  const detail = useQuery({ ...incidentQueries.detail(api, id), enabled: Number.isInteger(id) });
  const bundle = useQuery({ ...incidentQueries.bundle(api, id), enabled: Number.isInteger(id) });
  if (!Number.isInteger(id)) return <EmptyState title="No such incident" description={`"${params.id}" is not an incident number.`} />;

  return (
    // The way back stays while the incident loads or fails to (a phone has no sidebar showing).
    <Stack gap={4}>
      <Anchor href="#/incidents" size="sm">← Incidents</Anchor>
      <QueryState query={detail} skeletonRows={8}>
        {({ incident, alerts }) => (
          <Stack>
            <Group justify="space-between" align="flex-end" wrap="wrap">
              <Stack gap={4}>
                <Group gap="xs" wrap="wrap">
                  <SeverityBadge severity={incident.severity} />
                  <IncidentStatusBadge status={incident.status} />
                  <Title order={1} size="h3" style={{ overflowWrap: 'anywhere' }}>#{incident.id} {incident.title}</Title>
                </Group>
                <Text size="sm" c="dimmed" data-testid="incident-counts">
                  Opened {formatDateTime(incident.openedAt)} · {incidentCounts(incident).text} · group <code>{incident.groupKey}</code>
                </Text>
                {incidentCounts(incident).note && <Text size="sm" c={statusTextColor('orange', scheme)} data-testid="incident-state-note">{incidentCounts(incident).note}</Text>}
              </Stack>
              <Group gap="xs" align="flex-end">
                <IncidentControls key={incident.updatedAt} incident={incident} />
                <MergeSplitActions incident={incident} alerts={alerts} />
                <Button component="a" href={`#/incidents/${incident.id}/replay`} variant="default" leftSection={<IconHistory size={16} />}>Replay</Button>
                <OfflineActions incidentId={incident.id} />
              </Group>
            </Group>
            <Grid>
              <Grid.Col span={{ base: 12, lg: 7 }}>
                <Stack>
                  <LinkedAlerts alerts={alerts} />
                  <LocalScores incidentId={incident.id} />
                  <QueryState query={bundle} skeletonRows={3} unavailable={{ title: 'No metrics for this incident' }}>
                    {({ metricsWindow, sourceQueries }) => (
                      <Stack>
                        <IncidentMetrics incidentId={incident.id} metricsWindow={metricsWindow} />
                        <IncidentSourceQueries incidentId={incident.id} queries={sourceQueries ?? []} from={metricsWindow.from} to={metricsWindow.to} />
                      </Stack>
                    )}
                  </QueryState>
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 5 }}>
                <Stack>
                  <SuggestedRunbooks incidentId={incident.id} />
                  <IncidentTimeline incidentId={incident.id} />
                </Stack>
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
