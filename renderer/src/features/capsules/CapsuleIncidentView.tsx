import { Anchor, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { SafeMarkdown } from '../../components/markdown/SafeMarkdown.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentStatusBadge } from '../incidents/StatusBadge.tsx';
import { LinkedAlerts } from '../incidents/LinkedAlerts.tsx';
import { TimelineEntries } from '../incidents/IncidentTimeline.tsx';
import { LocalScores } from '../incidents/LocalScores.tsx';
import { SourceQueryChart } from '../incidents/IncidentSourceQueries.tsx';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';
import { CapsuleScope } from './CapsuleScope.tsx';

/** Charts drawn at most, as on the incident page. */
const MAX_CHARTS = 4;

/** `#/capsules/:id`: an imported incident, read-only, everything from the capsule (no server, no source). */
export function CapsuleIncidentView({ params }: RouteProps<'/capsules/:id'>) {
  const id = Number(params.id);
  if (!Number.isInteger(id) || id < 1) return <EmptyState title="No such capsule" description={`"${params.id}" is not an incident number.`} action={<Anchor href="#/capsules" size="sm">Imported capsules</Anchor>} />;
  return <CapsuleScope>{() => <CapsuleIncident id={id} />}</CapsuleScope>;
}

function CapsuleIncident({ id }: { id: number }) {
  const api = useApi();
  // The bundle is what the capsule carried whole: incident, alerts, timeline, metrics window, source queries.
  const bundle = useQuery({ queryKey: ['capsules', 'bundle', id], queryFn: () => api.incidents.export({ params: { id }, query: { format: 'json' } }) as Promise<IncidentBundle> });
  // Main answers "not in the local cache" (offline) when no opened capsule holds it.
  if (bundle.isError && (toAppError(bundle.error).details as { offline?: unknown } | undefined)?.offline === true) return <NotImported id={id} />;
  return (
    <QueryState query={bundle} skeletonRows={8} unavailable={{ title: 'Not in an imported capsule', description: `No capsule opened on this machine holds incident #${id}.` }}>
      {(data) => <CapsuleIncidentPage bundle={data} />}
    </QueryState>
  );
}

function NotImported({ id }: { id: number }) {
  return <EmptyState title="Not in an imported capsule" description={`No capsule opened on this machine holds incident #${id}. Import its .scocapsule file first.`} action={<Anchor href="#/capsules" size="sm">Imported capsules</Anchor>} />;
}

function CapsuleIncidentPage({ bundle }: { bundle: IncidentBundle }) {
  const { incident, alerts, metricsWindow } = bundle;
  const { from, to, selectors } = metricsWindow;
  const sourceQueries = bundle.sourceQueries ?? [];
  const timeline = bundle.timeline.filter((entry) => entry.deletedAt === null);
  return (
    <Stack>
      <Stack gap={4}>
        <Anchor href="#/capsules" size="sm">← Imported capsules</Anchor>
        <Group gap="xs" wrap="wrap">
          <SeverityBadge severity={incident.severity} />
          <IncidentStatusBadge status={incident.status} />
          <Title order={1} size="h3" style={{ overflowWrap: 'anywhere' }}>#{incident.id} {incident.title}</Title>
        </Group>
        <Text size="sm" c="dimmed" data-testid="capsule-origin">
          From an imported capsule (exported {formatDateTime(bundle.exportedAt)}), read on this machine without a server. Opened {formatDateTime(incident.openedAt)}.
        </Text>
      </Stack>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <LinkedAlerts alerts={alerts} />
            <LocalScores incidentId={incident.id} origin="capsules" />
            <Stack gap="xs" data-testid="capsule-metrics">
              <Title order={2} size="h5">Metrics</Title>
              {selectors.length === 0 ? (
                <Text size="sm" c="dimmed">The capsule carries no series: its alerts name none.</Text>
              ) : (
                selectors.slice(0, MAX_CHARTS).map((selector) => (
                  <Stack key={selector} gap={4}>
                    <Text size="xs" ff="monospace" c="dimmed">{selector}</Text>
                    <MetricsChartPanel match={selector} range={{ kind: 'absolute', from, to }} height={200} title={`Metrics around incident ${incident.id}: ${selector}`} noSeriesHint="The capsule carries no samples of it" />
                  </Stack>
                ))
              )}
            </Stack>
            {sourceQueries.length > 0 && (
              <Paper withBorder radius="md" p="md">
                <Title order={2} size="h5" mb="sm">Source queries</Title>
                <Stack>
                  {sourceQueries.map((query) => (
                    // The source's name is the server's; the capsule knows its id only.
                    <SourceQueryChart key={query.id} incidentId={incident.id} query={query} sourceName={`source ${query.datasourceId}`} from={from} to={to} canRemove={false} />
                  ))}
                </Stack>
              </Paper>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder radius="md" p="md">
            <Title order={2} size="h5" mb="sm">Timeline</Title>
            {timeline.length === 0 ? (
              <Text size="sm" c="dimmed">Nothing recorded.</Text>
            ) : (
              <TimelineEntries
                entries={timeline}
                note={(entry) => (
                  <>
                    <SafeMarkdown source={entry.text} />
                    <Text size="xs" c="dimmed">{formatDateTime(entry.ts)} · {entry.actor}</Text>
                  </>
                )}
              />
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
