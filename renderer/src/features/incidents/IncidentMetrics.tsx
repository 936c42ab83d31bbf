import { Anchor, Code, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconChartLine } from '@tabler/icons-react';
import { useState } from 'react';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { LoadingRows } from '../../components/QueryState.tsx';
import { MetricsChartPanel } from '../metrics/MetricsChartPanel.tsx';
import type { TimeRange } from '../metrics/time-range.ts';
import { useSeriesPresence } from './incident-series.ts';

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

/** The selectors, each as code, separated by commas. */
function SelectorList({ selectors }: { selectors: readonly string[] }) {
  return <>{selectors.map((selector, i) => <span key={selector}>{i > 0 && ', '}<Code className="sco-wrap-anywhere">{selector}</Code></span>)}</>;
}

/**
 * The metrics panel of an incident: one chart per series its alerts name, over a range the
 * reader picks. It says plainly, once, when the alerts name no series, or name series this
 * server does not have (an Alertmanager alert about a host it does not collect).
 */
export function IncidentMetrics({ incidentId, metricsWindow }: { incidentId: number; metricsWindow: IncidentBundle['metricsWindow'] }) {
  const [choice, setChoice] = useState('incident');
  const range = incidentRange(choice, metricsWindow);
  const presence = useSeriesPresence(metricsWindow.selectors);
  const charted = presence.present.slice(0, MAX_CHARTS);
  const notCharted = metricsWindow.selectors.length - charted.length - presence.missing.length;
  const header = (
    <Group justify="space-between" wrap="wrap">
      <Title order={2} size="h5">Metrics</Title>
      {charted.length > 0 && <SegmentedControl size="xs" aria-label="Metrics range" data={RANGES} value={choice} onChange={setChoice} />}
    </Group>
  );
  let body;
  if (metricsWindow.selectors.length === 0) {
    body = <EmptyState title="No metrics linked" description="Its alerts carry no label that names a series (host, instance, target), so there is nothing to chart here. Open an alert for its source link." />;
  } else if (presence.pending) {
    body = <LoadingRows rows={3} />;
  } else if (charted.length === 0) {
    body = (
      <EmptyState
        icon={<IconChartLine size={24} />}
        title="This server has none of the incident's series"
        description={
          <>
            Its alerts name <SelectorList selectors={presence.missing} />
            {presence.unchecked > 0 && ` and ${presence.unchecked} more`}, and no series on this server matches {presence.missing.length === 1 ? 'it' : 'any of them'}: the alerts
            come from a source that watches hosts this server does not collect (Alertmanager, for example). Open a linked alert's source link to see the metrics
            where they are kept, or collect these hosts here.
          </>
        }
        action={<Anchor href="#/metrics" size="sm">Browse the series this server has</Anchor>}
      />
    );
  } else {
    body = (
      <>
        {charted.map((selector) => (
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
        {presence.missing.length > 0 && (
          <Text size="xs" c="dimmed" data-testid="incident-metrics-missing">
            Not on this server (its alerts name {presence.missing.length === 1 ? 'it' : 'them'}, no series matches): <SelectorList selectors={presence.missing} />
          </Text>
        )}
        {notCharted > 0 && <Text size="xs" c="dimmed">and {notCharted} more series; open them in the metrics explorer.</Text>}
      </>
    );
  }
  return (
    <Stack gap="xs" data-testid="incident-metrics">
      {header}
      {body}
    </Stack>
  );
}
