import { Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';
import type { TimeRange } from '../metrics/time-range.ts';

/** Charts drawn at most: an incident over a whole fleet would not fit on a page anyway. */
const MAX_CHARTS = 4;

const RANGES = [
  { value: 'incident', label: 'Incident' },
  { value: '60', label: '1h' },
  { value: '360', label: '6h' },
  { value: '1440', label: '24h' },
  { value: '10080', label: '7d' },
];

/** The incident's window, or the last hours up to now: what was it like before, is it back to normal since. */
export function incidentRange(choice: string, window: { from: number; to: number }): TimeRange {
  return choice === 'incident' ? { kind: 'absolute', from: window.from, to: window.to } : { kind: 'relative', minutes: Number(choice) };
}

/**
 * The metrics panel of an incident: one chart per series its alerts name, over a range the
 * reader picks. It says plainly when the alerts name no series, or name series this server
 * does not have (an Alertmanager alert about a host it does not collect).
 */
export function IncidentMetrics({ incidentId, metricsWindow }: { incidentId: number; metricsWindow: IncidentBundle['metricsWindow'] }) {
  const [choice, setChoice] = useState('incident');
  const range = incidentRange(choice, metricsWindow);
  return (
    <Stack gap="xs" data-testid="incident-metrics">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h5">Metrics</Title>
        <SegmentedControl size="xs" aria-label="Metrics range" data={RANGES} value={choice} onChange={setChoice} />
      </Group>
      {metricsWindow.selectors.length === 0 ? (
        <EmptyState title="No metrics linked" description="Its alerts carry no label that names a series (host, instance, target), so there is nothing to chart here. Open an alert for its source link." />
      ) : (
        <>
          {metricsWindow.selectors.slice(0, MAX_CHARTS).map((selector) => (
            <Stack key={selector} gap={4}>
              <Text size="xs" ff="monospace" c="dimmed" className="sco-wrap-anywhere">{selector}</Text>
              <MetricsChartPanel
                match={selector}
                range={range}
                height={200}
                title={`Metrics around incident ${incidentId}: ${selector}`}
                noSeriesHint="Its alert names this, but the server collects no such series (an alert from Alertmanager about a host it does not scrape, for example)"
              />
            </Stack>
          ))}
          {metricsWindow.selectors.length > MAX_CHARTS && <Text size="xs" c="dimmed">and {metricsWindow.selectors.length - MAX_CHARTS} more series; open them in the metrics explorer.</Text>}
        </>
      )}
    </Stack>
  );
}
