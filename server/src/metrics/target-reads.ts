import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import type { MetricsStore } from './store.ts';

/**
 * What the metrics feature lends the anomaly feature: reads of a target's samples, score
 * writes and rates, all on the chunk store. Only the metrics feature touches its tables
 * (docs/architecture.md). Scores are kept per target and time: every series of a target
 * at one time shares its model's score.
 */
export class TargetReads {
  readonly #store: MetricsStore;

  constructor(store: MetricsStore) {
    this.#store = store;
  }

  /**
   * The most recent stored samples of a target before `beforeTs`, oldest first, at most
   * `rows` distinct times: what a target's state is rebuilt from after a restart.
   *
   * It runs on the event loop when a target is first seen, so it must stay cheap on a large
   * store: the target's series come from the in-memory catalogue, and each series' newest
   * samples from the end of its chunks. A time among the target's `rows` latest distinct
   * times is always among each series' `rows` latest samples, so the union below holds
   * every sample the cut-off keeps.
   */
  recentSamplesOfTarget(target: string, beforeTs: number, rows: number): SampleEventData[] {
    const found: SampleEventData[] = [];
    for (const { id, name, labels } of this.#store.seriesOfTarget(target)) {
      const last = this.#store.readLast(id, beforeTs, rows);
      for (let i = 0; i < last.length; i++) found.push({ seriesId: id, name, labels, ts: last.ts[i]!, value: last.values[i]! });
    }
    const times = [...new Set(found.map((sample) => sample.ts))].sort((a, b) => b - a);
    const cutoff = times[Math.min(rows, times.length) - 1];
    if (cutoff === undefined) return [];
    return found.filter((sample) => sample.ts >= cutoff).sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
  }

  /** Stores a target's scores, one per sample time (a later score for a time replaces it), in one transaction. */
  setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): void {
    this.#store.setScores(target, ts, scores);
  }

  /** Anomaly rate of a target over [from, to] from its stored scores (one per sample time). */
  anomalyRate(target: string, from: number, to: number, threshold: number): AnomalyRate {
    const scores = this.#store.readScores(target, from, to + 1);
    let anomalous = 0;
    for (let i = 0; i < scores.length; i++) if (scores.values[i]! >= threshold) anomalous++;
    const samples = scores.length;
    return { target, from, to, samples, anomalous, rate: samples > 0 ? anomalous / samples : null, threshold };
  }
}
