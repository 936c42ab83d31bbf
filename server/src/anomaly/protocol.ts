import type { Explanation, FeatureSpec, ForestOptions } from '../../../shared/anomaly/index.ts';

/**
 * Tasks of the scoring workers: a discriminated union, answered or rejected per task.
 * `modelsInUse`: how many models the service scores with now; a worker keeps about that many
 * deserialized (the most recently used), so the versions a back-fill's refits replaced leave.
 */
export type WorkerTask =
  | { kind: 'fit'; spec: FeatureSpec; rows: Float64Array; count: number; forest: ForestOptions; contamination: number; trainedFrom: number; trainedTo: number }
  | { kind: 'score'; model: SharedArrayBuffer; modelId: number; rows: Float64Array; count: number; breakoutMargin: number | false; modelsInUse?: number }
  /** `breakout`: the metric whose range breakout raised the alarm: its words lead the explanation (breakoutNote). */
  | { kind: 'explain'; model: SharedArrayBuffer; modelId: number; features: Float64Array; modelsInUse?: number; breakout?: string };

export interface FitResult {
  model: Uint8Array;
  threshold: number;
  quantiles: number[];
  /** Share of training rows at or above the threshold. */
  trainingAlarmRate: number;
  /** Raw scores of the training rows in row order: the new scorer's warm-up, not scored again. */
  scores: Float64Array;
}

export interface ScoreResult {
  scores: Float64Array;
  /** Per row, the metric that broke out of its training range, or null. */
  breakouts: (string | null)[];
  /** Per row, whether that metric crept out of its range (breakoutCrept): it pages nothing. */
  crept: boolean[];
}

export type ExplainResult = Explanation;

/**
 * A worker could not load the model (missing, corrupt, unknown format): the model is at
 * fault, not the worker. The marker leads the message because only the message survives
 * the trip from the worker thread.
 */
export const MODEL_LOAD_FAILED = 'E_MODEL_LOAD_FAILED';

export function isModelLoadFailure(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(MODEL_LOAD_FAILED);
}
