import type { QueryClient } from '@tanstack/react-query';
import type { AnomalyEventData } from '../../../../shared/api/stream.ts';

/** Anomaly events seen on the stream this session, newest first: they carry per-feature detail. */
export const LIVE_ANOMALIES_KEY = ['anomalies', 'live'] as const;
const KEEP = 500;

export function recordAnomaly(queryClient: QueryClient, anomaly: AnomalyEventData): void {
  queryClient.setQueryData<AnomalyEventData[]>(LIVE_ANOMALIES_KEY, (list = []) => [anomaly, ...list].slice(0, KEEP));
}

/** The streamed detail of an anomaly alert (same target, same onset), if this session saw it. */
export function findAnomalyDetail(list: readonly AnomalyEventData[] | undefined, target: string | undefined, ts: number): AnomalyEventData | undefined {
  return list?.find((anomaly) => anomaly.target === target && anomaly.ts === ts);
}
