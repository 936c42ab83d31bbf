import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { SequencedStreamEvent } from '../../../shared/api/stream.ts';
import { applySamples } from '../features/metrics/live-samples.ts';
import { appendRunOutput } from '../features/runbooks/live-output.ts';

/**
 * Where each stream topic lands in the query cache. Samples are written straight into the
 * cached series (no refetch); changes of alerts, incidents and anomalies mark the
 * matching queries stale so that the views showing them refetch once.
 */
const INVALIDATES: Partial<Record<SequencedStreamEvent['type'], QueryKey[]>> = {
  alert: [['alerts'], ['overview'], ['incidents']],
  incident: [['incidents'], ['overview']],
  timeline: [['incidents']],
  anomaly: [['anomalies'], ['alerts'], ['overview']],
  anomaly_score: [['overview', 'anomalous']],
  anomaly_model: [['anomalies']],
  runbook_run: [['runbooks']],
};

export function applyStreamEvent(queryClient: QueryClient, event: SequencedStreamEvent, invalidate: (key: QueryKey) => void): void {
  if (event.type === 'samples') {
    applySamples(queryClient, event.data);
    return;
  }
  if (event.type === 'runbook_output') {
    appendRunOutput(event.data);
    return;
  }
  for (const key of INVALIDATES[event.type] ?? []) invalidate(key);
}
