import { Anchor, Badge, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { alertTitle } from '../alerts/alert-text.ts';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';
import { IncidentStatusBadge } from './StatusBadge.tsx';
import { IncidentTimeline } from './IncidentTimeline.tsx';
import { IncidentControls } from './IncidentControls.tsx';
import { OfflineActions } from './OfflineActions.tsx';
import { IncidentSourceQueries } from './IncidentSourceQueries.tsx';
import { incidentQueries } from './queries.ts';
import { SuggestedRunbooks } from '../runbooks/SuggestedRunbooks.tsx';

/** Charts drawn at most: an incident over a whole fleet would not fit on a page anyway. */
const MAX_CHARTS = 4;

export function IncidentDetailView({ params }: RouteProps<'/incidents/:id'>) {
  const api = useApi();
  const id = Number(params.id);
  const detail = useQuery({ ...incidentQueries.detail(api, id), enabled: Number.isInteger(id) });
  const bundle = useQuery({ ...incidentQueries.bundle(api, id), enabled: Number.isInteger(id) });
  if (!Number.isInteger(id)) return <EmptyState title="No such incident" description={`"${params.id}" is not an incident number.`} />;

  return (
    <QueryState query={detail} skeletonRows={8}>
      {({ incident, alerts }) => (
        <Stack>
          <Group justify="space-between" align="flex-end" wrap="wrap">
            <Stack gap={4}>
              <Anchor href="#/incidents" size="sm">← Incidents</Anchor>
              <Group gap="xs">
                <SeverityBadge severity={incident.severity} />
                <IncidentStatusBadge status={incident.status} />
                <Title order={2} size="h3">#{incident.id} {incident.title}</Title>
              </Group>
              <Text size="sm" c="dimmed">
                Opened {formatDateTime(incident.openedAt)} · {incident.firingCount} of {incident.alertCount} alerts firing · group <code>{incident.groupKey}</code>
              </Text>
            </Stack>
            <Group gap="xs" align="flex-end">
              <IncidentControls key={incident.updatedAt} incident={incident} />
              <OfflineActions incidentId={incident.id} />
            </Group>
          </Group>
          <Grid>
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack>
                <Paper withBorder radius="md" p="md">
                  <Title order={3} size="h5" mb="sm">Linked alerts</Title>
                  {alerts.length === 0 ? (
                    <Text size="sm" c="dimmed">No alerts linked.</Text>
                  ) : (
                    <Table verticalSpacing={4} aria-label="Linked alerts">
                      <Table.Tbody>
                        {alerts.map((alert) => (
                          <Table.Tr key={alert.id}>
                            <Table.Td><SeverityBadge severity={alert.severity} /></Table.Td>
                            <Table.Td><Text size="sm">{alertTitle(alert)}</Text></Table.Td>
                            <Table.Td ta="right"><Badge variant="dot" color={alert.state === 'firing' ? 'red' : alert.state === 'acknowledged' ? 'yellow' : 'teal'}>{alert.state}</Badge></Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  )}
                </Paper>
                <QueryState query={bundle} skeletonRows={3} unavailable={{ title: 'No metrics for this incident' }}>
                  {({ metricsWindow, sourceQueries }) => (
                    <Stack>
                      {metricsWindow.selectors.length === 0 ? (
                        <EmptyState title="No metrics linked" description="Its alerts carry no labels that name a series." />
                      ) : (
                        metricsWindow.selectors.slice(0, MAX_CHARTS).map((selector) => (
                          <Stack key={selector} gap={4}>
                            <Text size="xs" ff="monospace" c="dimmed">{selector}</Text>
                            <MetricsChartPanel match={selector} range={{ kind: 'absolute', from: metricsWindow.from, to: metricsWindow.to }} height={200} title={`Metrics around incident ${incident.id}: ${selector}`} />
                          </Stack>
                        ))
                      )}
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
  );
}
