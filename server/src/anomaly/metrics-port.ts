import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';

/**
 * What the anomaly feature needs from metrics, and all it may use: it never reads or
 * writes metrics' tables itself. `MetricsService` implements it.
 */
export interface AnomalyMetrics {
  /** Stores a target's scores, one per sample time. */
  setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): void;
  /** The target's stored samples at its `rows` latest distinct times before `beforeTs`, oldest first. */
  recentSamplesOfTarget(target: string, beforeTs: number, rows: number): SampleEventData[];
  /** Share of the target's scored sample times in [from, to] at or above `threshold`. */
  anomalyRate(target: string, from: number, to: number, threshold: number): AnomalyRate;
}
