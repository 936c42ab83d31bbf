import { Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { PinnedSeries } from '../../../../shared/ipc/channels/cache.ts';
import { AppError } from '../../../../shared/errors.ts';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { unwrap } from '../../platform/ipc-result.ts';
import { formatDateTime } from '../../lib/format.ts';
import { seriesFromPinned } from '../replay/replay-data.ts';

/** Scores at or above this are drawn as anomalous (the scale the scoring worker writes, 0..1). */
export const ANOMALOUS_SCORE = 0.5;

export interface ScoreSummary {
  key: string;
  scored: number;
  samples: number;
  anomalous: number;
  max: number | null;
  maxAt: number | null;
}

/** Per pinned series: how much of it is scored, its peak score and when, and how many samples look anomalous. */
export function summariseScores(pinned: PinnedSeries): ScoreSummary[] {
  return seriesFromPinned(pinned).map((series) => {
    let scored = 0;
    let anomalous = 0;
    let max: number | null = null;
    let maxAt: number | null = null;
    series.scores.forEach((score, i) => {
      if (score === null) return;
      scored += 1;
      if (score >= ANOMALOUS_SCORE) anomalous += 1;
      if (max === null || score > max) {
        max = score;
        maxAt = series.ts[i] ?? null;
      }
    });
    return { key: series.key, scored, samples: series.ts.length, anomalous, max, maxAt };
  });
}

/**
 * How often to look again, ms (false: not again). Scoring runs in the background after "Keep
 * offline", so the profile's copy is read until every sample is scored. A capsule carries
 * the scores it was exported with and nothing scores it after import: its unscored samples
 * stay unscored, and polling for them would never end.
 */
export function scoresPollInterval(origin: 'profile' | 'capsules', pinned: PinnedSeries | null | undefined): number | false {
  return origin === 'profile' && pinned?.series.some((series) => series.scores.includes(null)) ? 5_000 : false;
}

/** Desktop, for an incident kept offline: the anomaly scores this machine computed for its series. */
export function LocalScores({ incidentId, origin = 'profile' }: { incidentId: number; origin?: 'profile' | 'capsules' }) {
  const { bridge } = usePlatform();
  return bridge ? <LocalScoresPanel bridge={bridge} incidentId={incidentId} origin={origin} /> : null;
}

function LocalScoresPanel({ bridge, incidentId, origin }: { bridge: SmartCloudOpsBridge; incidentId: number; origin: 'profile' | 'capsules' }) {
  const pinned = useQuery({
    queryKey: ['cache', 'pinnedSeries', origin, incidentId],
    queryFn: async () => {
      try {
        return await unwrap(bridge.cache.pinnedSeries({ incidentId, origin }));
      } catch (error) {
        if (error instanceof AppError && error.code === 'E_NOT_FOUND') return null;
        throw error;
      }
    },
    refetchInterval: (query) => scoresPollInterval(origin, query.state.data),
  });
  if (!pinned.data) return null;
  const rows = summariseScores(pinned.data);
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h5" mb={4}>Anomaly scores computed on this machine</Title>
      <Text size="xs" c="dimmed" mb="sm">
        {origin === 'capsules'
          ? 'As the capsule carries them: computed on the machine that exported it; samples it had not scored yet stay unscored.'
          : 'From the copy kept offline; available without the server.'}
      </Text>
      <Table verticalSpacing={4} aria-label="Local anomaly scores">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Series</Table.Th>
            <Table.Th>Peak score</Table.Th>
            <Table.Th>Anomalous samples</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.key}>
              <Table.Td><Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{row.key}</Text></Table.Td>
              <Table.Td>
                <Text size="sm">{row.max !== null ? row.max.toFixed(2) : origin === 'capsules' ? 'not scored' : 'scoring…'}</Text>
                {row.maxAt !== null && <Text size="xs" c="dimmed">{formatDateTime(row.maxAt)}</Text>}
              </Table.Td>
              <Table.Td><Text size="sm">{row.anomalous} of {row.scored} scored{row.scored < row.samples ? ` (${row.samples} kept)` : ''}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
