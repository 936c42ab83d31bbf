import { Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { AnomalyEventData } from '../../../../shared/api/stream.ts';
import { formatDateTime } from '../../app/format.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';

const AROUND_MS = 30 * 60_000;

/** One anomaly: what, how far past the threshold, which features moved, and the chart around it. */
export function AnomalyCard({ alert, detail, selector }: { alert: Alert; detail: AnomalyEventData | undefined; selector: string | null }) {
  const score = Number(alert.annotations.score);
  const threshold = Number(alert.annotations.threshold);
  const target = alert.labels.target ?? 'unknown target';
  return (
    <Paper withBorder radius="md" p="md" data-testid="anomaly-card">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <SeverityBadge severity={alert.severity} />
            <Text fw={600}>{target}</Text>
            <Badge variant="dot" color={alert.state === 'firing' ? 'red' : 'gray'}>{alert.state}</Badge>
          </Group>
          <Text size="sm" c="dimmed">{formatDateTime(alert.startsAt)}</Text>
        </Group>
        <Text size="sm">{alert.annotations.explanation ?? alert.annotations.summary ?? 'No explanation recorded.'}</Text>
        {Number.isFinite(score) && (
          <Stack gap={2}>
            <Group justify="space-between">
              <Text size="xs" c="dimmed">Score {score.toFixed(3)}</Text>
              {Number.isFinite(threshold) && <Text size="xs" c="dimmed">threshold {threshold.toFixed(3)}</Text>}
            </Group>
            <Progress value={Math.min(100, score * 100)} color={alert.severity === 'critical' ? 'red' : 'orange'} aria-label={`Anomaly score ${score.toFixed(2)}`} />
          </Stack>
        )}
        {detail && detail.features.length > 0 && (
          <Group gap="xs" aria-label="Contributing features">
            {[...detail.features]
              .sort((a, b) => Math.abs(b.zScore ?? 0) - Math.abs(a.zScore ?? 0))
              .slice(0, 6)
              .map((feature) => (
                <Badge key={feature.name} variant="light" color={Math.abs(feature.zScore ?? 0) >= 3 ? 'red' : 'gray'} tt="none">
                  {feature.name}: {feature.zScore === undefined ? feature.value.toFixed(2) : `${feature.zScore >= 0 ? '+' : ''}${feature.zScore.toFixed(1)}σ`}
                </Badge>
              ))}
          </Group>
        )}
        {selector ? (
          <MetricsChartPanel
            match={selector}
            range={{ kind: 'absolute', from: alert.startsAt - AROUND_MS, to: (alert.endsAt ?? Date.now()) + AROUND_MS / 2 }}
            height={180}
            title={`Metrics of ${target} around the anomaly`}
          />
        ) : (
          <Text size="xs" c="dimmed">No stored series is labelled with this target, so there is no chart.</Text>
        )}
      </Stack>
    </Paper>
  );
}
