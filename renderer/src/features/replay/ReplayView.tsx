import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Anchor, Badge, Grid, Group, Paper, Slider, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { IconPlayerPause, IconPlayerPlay, IconPlayerTrackNext, IconPlayerTrackPrev } from '@tabler/icons-react';
import { replayMarks, replayState, replayWindow, type ReplayAlertState } from '../../../../shared/replay/replay-state.ts';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { SafeMarkdown } from '../../components/markdown/SafeMarkdown.tsx';
import { formatAge, formatDateTime, formatTime, formatValue } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { alertTitle } from '../alerts/alert-text.ts';
import { IncidentStatusBadge } from '../incidents/StatusBadge.tsx';
import { loadReplay, type LoadedReplay } from './replay-data.ts';
import { ReplaySparkline } from './ReplaySparkline.tsx';

const STATE_LOOK: Record<ReplayAlertState, { color: string; label: string }> = {
  'not-yet': { color: 'gray', label: 'not fired yet' },
  firing: { color: 'red', label: 'firing' },
  acknowledged: { color: 'yellow', label: 'acknowledged' },
  resolved: { color: 'teal', label: 'resolved' },
};
/** Playing crosses the whole window in about a minute, whatever its length. */
const PLAY_TICKS = 240;
const TICK_MS = 250;

function offset(at: number, openedAt: number): string {
  const delta = at - openedAt;
  return delta < 0 ? `${formatAge(-delta)} before it opened` : `${formatAge(delta)} after it opened`;
}

export function ReplayView({ params }: RouteProps<'/incidents/:id/replay'>) {
  const { api, bridge } = usePlatform();
  const id = Number(params.id);
  const loaded = useQuery({ queryKey: ['incidents', 'replay', id, bridge ? 'desktop' : 'web'], queryFn: () => loadReplay(api, bridge ?? null, id), enabled: Number.isInteger(id), staleTime: Infinity });
  if (!Number.isInteger(id)) return <EmptyState title="No such incident" description={`"${params.id}" is not an incident number.`} />;
  return (
    <QueryState query={loaded} skeletonRows={8} unavailable={{ title: 'Nothing to replay', description: 'This incident is neither on the server nor kept offline.' }}>
      {(data) => <Replay data={data} />}
    </QueryState>
  );
}

function Replay({ data }: { data: LoadedReplay }) {
  const { input, origin } = data;
  const { incident } = input.bundle;
  const window = useMemo(() => replayWindow(input), [input]);
  const marks = useMemo(() => replayMarks(input), [input]);
  const [at, setAt] = useState(() => Math.min(window.toTs, Math.max(window.fromTs, incident.openedAt)));
  const state = useMemo(() => replayState(input, at), [input, at]);
  const span = Math.max(1, window.toTs - window.fromTs);
  const step = Math.max(1000, Math.round(span / 2000));

  const player = useInterval(() => setAt((current) => Math.min(window.toTs, current + span / PLAY_TICKS)), TICK_MS);
  useEffect(() => {
    if (player.active && at >= window.toTs) player.stop();
  }, [at, player, window.toTs]);
  const previous = [...marks].reverse().find((mark) => mark < at);
  const next = marks.find((mark) => mark > at);

  return (
    <Stack>
      <Stack gap={4}>
        <Anchor href={`#/incidents/${incident.id}`} size="sm">← Incident #{incident.id}</Anchor>
        <Title order={1} size="h3" style={{ overflowWrap: 'anywhere' }}>Replay: #{incident.id} {state.incident.title}</Title>
        <Text size="sm" c="dimmed">
          {origin === 'pinned' ? 'From the copy kept offline on this machine, with anomaly scores computed here.' : 'From the server; keep the incident offline in the desktop app to replay it without a connection.'}
        </Text>
      </Stack>

      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" wrap="wrap" mb="sm" gap="xs">
          <Stack gap={0}>
            <Text fw={600} data-testid="replay-instant" data-at={state.at}>{formatDateTime(state.at)}</Text>
            <Text size="xs" c="dimmed">{offset(state.at, incident.openedAt)}</Text>
          </Stack>
          <Group gap="xs">
            <Tooltip label="Previous event">
              <ActionIcon variant="default" size="lg" aria-label="Previous event" disabled={previous === undefined} onClick={() => previous !== undefined && setAt(previous)}><IconPlayerTrackPrev size={18} /></ActionIcon>
            </Tooltip>
            <Tooltip label={player.active ? 'Pause' : 'Play'}>
              <ActionIcon
                variant="filled"
                size="lg"
                aria-label={player.active ? 'Pause' : 'Play'}
                onClick={() => {
                  if (player.active) player.stop();
                  else {
                    if (at >= window.toTs) setAt(window.fromTs);
                    player.start();
                  }
                }}
              >
                {player.active ? <IconPlayerPause size={18} /> : <IconPlayerPlay size={18} />}
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Next event">
              <ActionIcon variant="default" size="lg" aria-label="Next event" disabled={next === undefined} onClick={() => next !== undefined && setAt(next)}><IconPlayerTrackNext size={18} /></ActionIcon>
            </Tooltip>
          </Group>
        </Group>
        <Slider
          min={window.fromTs}
          max={window.toTs}
          step={step}
          value={at}
          onChange={(value) => {
            player.stop();
            setAt(value);
          }}
          label={(value) => formatTime(value)}
          marks={marks.slice(0, 200).map((value) => ({ value }))}
          thumbLabel="Replay instant"
          thumbProps={{ 'aria-valuetext': formatDateTime(at) } as React.ComponentProps<'div'>}
          mb="xs"
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">{formatTime(window.fromTs)}</Text>
          <Text size="xs" c="dimmed">{formatTime(window.toTs)}</Text>
        </Group>
      </Paper>

      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">Metrics at this instant</Title>
              {state.metrics.length === 0 ? (
                <Text size="sm" c="dimmed">No metrics kept with this incident.</Text>
              ) : (
                <Stack gap="md">
                  {state.metrics.map((metric, i) => (
                    <Stack key={metric.key} gap={4} data-testid="replay-metric">
                      <Group justify="space-between" wrap="wrap" gap="xs">
                        <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{metric.key}</Text>
                        <Group gap={6}>
                          <Badge variant="light" color="gray" data-testid="replay-value">{metric.value === null ? 'no data yet' : formatValue(metric.value)}</Badge>
                          {metric.score !== null && (
                            <Badge variant="light" color={metric.score >= 0.5 ? 'orange' : 'gray'} data-testid="replay-score">score {metric.score.toFixed(2)}</Badge>
                          )}
                        </Group>
                      </Group>
                      <ReplaySparkline series={input.series[i]!} fromTs={window.fromTs} toTs={window.toTs} at={state.at} visible={metric.visible} label={`${metric.key} up to ${formatTime(state.at)}`} />
                    </Stack>
                  ))}
                </Stack>
              )}
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack>
            <Paper withBorder radius="md" p="md" aria-label="Incident at this instant" component="section">
              <Title order={2} size="h5" mb="sm">Incident</Title>
              <Group gap="xs" wrap="wrap" mb="xs">
                {state.incident.status ? <IncidentStatusBadge status={state.incident.status} /> : <Badge color="gray" variant="light">not opened yet</Badge>}
                <Text size="sm">commander {state.incident.commander ?? '–'}</Text>
              </Group>
              <Text size="sm" data-testid="replay-counts">
                {state.counts.firing} firing · {state.counts.acknowledged} acknowledged · {state.counts.resolved} resolved{state.counts['not-yet'] ? ` · ${state.counts['not-yet']} not fired yet` : ''}
              </Text>
              <Stack gap={6} mt="sm" role="list" aria-label="Alerts at this instant">
                {state.alerts.map(({ alert, state: alertState, since, by }) => (
                  <Group key={alert.id} gap={6} wrap="wrap" role="listitem">
                    <SeverityBadge severity={alert.severity} />
                    <Badge variant="dot" color={STATE_LOOK[alertState].color}>{STATE_LOOK[alertState].label}</Badge>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{alertTitle(alert)}</Text>
                    {since !== null && <Text size="xs" c="dimmed">since {formatTime(since)}{by ? ` by ${by}` : ''}</Text>}
                  </Group>
                ))}
              </Stack>
            </Paper>
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">Timeline until then</Title>
              {state.timeline.length === 0 ? (
                <Text size="sm" c="dimmed">Nothing recorded yet at this instant.</Text>
              ) : (
                <Stack gap="xs" component="ol" aria-label="Timeline at this instant" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                  {state.timeline.map(({ entry, text, deleted, edited }) => (
                    <Stack key={entry.id} gap={0} component="li">
                      {entry.kind === 'note' ? (
                        deleted ? <Text size="sm" fs="italic" c="dimmed">Note deleted</Text> : <SafeMarkdown source={text} />
                      ) : (
                        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>{text}</Text>
                      )}
                      <Text size="xs" c="dimmed">{formatTime(entry.ts)} · {entry.actor}{edited ? ' · edited' : ''}</Text>
                    </Stack>
                  ))}
                </Stack>
              )}
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
