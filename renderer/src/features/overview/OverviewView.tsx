import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title, useComputedColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconAlertTriangle, IconFlame, IconServer, IconSparkles } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { SEVERITY_COLOR } from '../../lib/severity-color.ts';
import { statusTextColor } from '../../lib/status-text-color.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentStatusBadge } from '../incidents/StatusBadge.tsx';
import { metricsQueries } from '../metrics/queries.ts';
import { overviewQueries } from './queries.ts';
import { countBySeverity, featuredSeries, mostAnomalous, trainingOverview } from './summaries.ts';
import { FleetHealthSummary } from './FleetHealthSummary.tsx';
import { formatClock } from './clock.ts';
import { Sparkline } from './Sparkline.tsx';
import { FiringNow } from './FiringNow.tsx';

function Card({ title, icon, href, children }: { title: string; icon: ReactNode; href?: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm">
        <Group gap={8}>
          {icon}
          <Title order={2} size="h5">{title}</Title>
        </Group>
        {href && <Anchor href={href} size="xs">View all</Anchor>}
      </Group>
      {children}
    </Paper>
  );
}

export function OverviewView() {
  const api = useApi();
  const canMetrics = useCan('metrics:read');
  const scheme = useComputedColorScheme('light');
  const firing = useQuery(overviewQueries.firing(api));
  const incidents = useQuery(overviewQueries.incidents(api));
  const anomalous = useQuery(overviewQueries.anomalous(api));
  const training = useQuery(overviewQueries.training(api));
  const fleet = useQuery({ ...overviewQueries.fleet(api), enabled: canMetrics });
  const series = useQuery({ ...metricsQueries.series(api), enabled: canMetrics });
  const now = Date.now();

  return (
    <Stack gap="md">
      <Title order={1} size="h3">Overview</Title>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Card title="Firing alerts" icon={<IconAlertTriangle size={18} />} href="#/alerts">
          <QueryState query={firing} skeletonRows={2} unavailable={{ title: 'No alerts API' }}>
            {(data) => {
              const counts = countBySeverity(data.items);
              return (
                <Group gap="lg" data-testid="firing-by-severity">
                  {(['critical', 'warning', 'info'] as const).map((severity) => (
                    <Stack key={severity} gap={0} align="center">
                      <Text fz={28} fw={700} c={counts[severity] > 0 ? SEVERITY_COLOR[severity] : 'dimmed'} lh={1.1}>{counts[severity]}</Text>
                      <Text size="xs" c="dimmed">{severity}</Text>
                    </Stack>
                  ))}
                </Group>
              );
            }}
          </QueryState>
        </Card>
        <Card title="Fleet health" icon={<IconServer size={18} />}>
          {canMetrics ? (
            <FleetHealthSummary query={fleet} />
          ) : (
            <Text size="sm" c="dimmed">Your role cannot read metrics.</Text>
          )}
        </Card>
        <Card title="Open incidents" icon={<IconFlame size={18} />} href="#/incidents">
          <QueryState query={incidents} skeletonRows={2} unavailable={{ title: 'No incidents API' }}>
            {(data) => (
              <Stack gap={6}>
                <Text fz={28} fw={700} lh={1.1} c={data.total > 0 ? 'red' : undefined}>{data.total}</Text>
                {data.items.slice(0, 3).map((incident) => (
                  <Group key={incident.id} gap={6} wrap="nowrap">
                    <IncidentStatusBadge status={incident.status} />
                    <Anchor href={`#/incidents/${incident.id}`} size="sm" truncate>#{incident.id} {incident.title}</Anchor>
                  </Group>
                ))}
              </Stack>
            )}
          </QueryState>
        </Card>
        <Card title="Anomalous now" icon={<IconSparkles size={18} />} href="#/anomalies">
          <QueryState query={anomalous} skeletonRows={2} unavailable={{ title: 'No anomaly data' }}>
            {(data) => {
              const top = mostAnomalous(data.items);
              const models = trainingOverview(training.data ?? [], formatClock);
              const modelState = (
                <>
                  {models.flagged.map((one) => (
                    <Text key={`flag:${one.target}`} size="xs" c={statusTextColor('orange', scheme)} data-testid="training-flagged"><b>{one.target}</b>: {one.text}</Text>
                  ))}
                  {models.learning.slice(0, 4).map((one) => (
                    <Text key={`learn:${one.target}`} size="xs" c="dimmed" data-testid="training-learning"><b>{one.target}</b>: {one.text}</Text>
                  ))}
                </>
              );
              if (top.length === 0) {
                return (
                  <Stack gap={4}>
                    {!training.data ? (
                      <Text size="sm" c="dimmed">No anomaly right now; model state unknown.</Text>
                    ) : models.ready > 0 ? (
                      <Text size="sm" c="dimmed">Nothing unusual on {models.ready} target{models.ready > 1 ? 's' : ''} with a trained model.</Text>
                    ) : (
                      <Text size="sm" c="dimmed">No trained model yet: anomalies cannot be told apart.</Text>
                    )}
                    {modelState}
                  </Stack>
                );
              }
              return (
                <Stack gap={6} data-testid="most-anomalous">
                  {top.map((entry) => (
                    <Group key={entry.target} justify="space-between" wrap="nowrap" gap="xs">
                      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                        <SeverityBadge severity={entry.alert.severity} />
                        <Text size="sm" fw={500} truncate title={entry.explanation}>{entry.target}</Text>
                      </Group>
                      <Badge variant="light" color="gray" ff="monospace">{entry.score.toFixed(2)}</Badge>
                    </Group>
                  ))}
                  {modelState}
                </Stack>
              );
            }}
          </QueryState>
        </Card>
      </SimpleGrid>
      {canMetrics && (
        <section aria-label="Live metrics">
          <Title order={2} size="h5" mb="xs">Live metrics · last 15 minutes</Title>
          <QueryState
            query={series}
            skeletonRows={2}
            isEmpty={(data) => data.series.length === 0}
            empty={{ title: 'No metrics yet', description: 'The server has not collected or received any series yet.' }}
          >
            {(data) => (
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                {featuredSeries(data.series).map((one) => <Sparkline key={one.id} series={one} />)}
              </SimpleGrid>
            )}
          </QueryState>
        </section>
      )}
      {firing.data && firing.data.items.length > 0 && (
        <Card title="Firing now" icon={<IconAlertTriangle size={18} />} href="#/alerts">
          <FiringNow alerts={firing.data.items} now={now} />
        </Card>
      )}
      {!canMetrics && !firing.data && <EmptyState title="Nothing to show for your role" />}
    </Stack>
  );
}
