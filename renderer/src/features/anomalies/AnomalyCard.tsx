import { Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { AnomalyEvent } from '../../../../shared/api/anomaly.ts';
import { formatDateTime } from '../../lib/format.ts';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';
import { ExplanationTable } from './ExplanationTable.tsx';

const AROUND_MS = 30 * 60_000;

/** One anomaly: what, how far past the threshold, which metrics moved, and the chart around it. */
export function AnomalyCard({ event, selector }: { event: AnomalyEvent; selector: string | null }) {
  const over = event.score >= event.threshold;
  return (
    <Paper withBorder radius="md" p="md" data-testid="anomaly-card" component="article" aria-label={`Anomaly on ${event.target}`}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Text fw={600}>{event.target}</Text>
          <Text size="sm" c="dimmed">{formatDateTime(event.ts)}</Text>
        </Group>
        <Text size="sm">{event.explanation.summary || event.summary}</Text>
        <Stack gap={2}>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">Score {event.score.toFixed(3)}</Text>
            <Text size="xs" c="dimmed">threshold {event.threshold.toFixed(3)}</Text>
          </Group>
          <Progress value={Math.min(100, event.score * 100)} color={over ? 'red' : 'orange'} aria-label={`Anomaly score ${event.score.toFixed(2)} of threshold ${event.threshold.toFixed(2)}`} />
        </Stack>
        <ExplanationTable explanation={event.explanation} />
        {selector ? (
          <MetricsChartPanel match={selector} range={{ kind: 'absolute', from: event.ts - AROUND_MS, to: event.ts + AROUND_MS / 2 }} height={180} title={`Metrics of ${event.target} around the anomaly`} />
        ) : (
          <Text size="xs" c="dimmed">No stored series is labelled with this target, so there is no chart.</Text>
        )}
      </Stack>
    </Paper>
  );
}

