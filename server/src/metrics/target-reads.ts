import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import type { MetricsStore } from './store.ts';

/**
 * The most recent stored samples of a target before `beforeTs`, oldest first, at most
 * `rows` distinct times: what the anomaly feature rebuilds a target's state from after a
 * restart. Each series' newest samples come from the end of its chunks; a time among the
 * target's `rows` latest distinct times is always among each series' `rows` latest
 * samples, so the union below holds every sample the cut-off keeps.
 */
export function recentSamplesOfTarget(store: MetricsStore, target: string, beforeTs: number, rows: number): SampleEventData[] {
  const found: SampleEventData[] = [];
  for (const { id, name, labels } of store.seriesOfTarget(target)) {
    const last = store.readLast(id, beforeTs, rows);
    for (let i = 0; i < last.length; i++) found.push({ seriesId: id, name, labels, ts: last.ts[i]!, value: last.values[i]! });
  }
  const times = [...new Set(found.map((sample) => sample.ts))].sort((a, b) => b - a);
  const cutoff = times[Math.min(rows, times.length) - 1];
  if (cutoff === undefined) return [];
  return found.filter((sample) => sample.ts >= cutoff).sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
}

/** Anomaly rate of a target over [from, to] from its stored scores (one per sample time). */
export function anomalyRateOfTarget(store: MetricsStore, target: string, from: number, to: number, threshold: number): AnomalyRate {
  const scores = store.readScores(target, from, to + 1);
  let anomalous = 0;
  for (let i = 0; i < scores.length; i++) if (scores.values[i]! >= threshold) anomalous++;
  const samples = scores.length;
  return { target, from, to, samples, anomalous, rate: samples > 0 ? anomalous / samples : null, threshold };
}
