import { Type, type Static } from 'typebox';
import type { ErrorBody } from '../errors.ts';

/**
 * The scoring worker's message protocol: main sends requests, the worker answers with
 * responses carrying the same request id. One protocol for both transports (an Electron
 * utility process in the app, a worker thread under Node tests). Errors travel as the
 * catalogue's error body, never as thrown objects, so the code survives serialisation.
 */

export const ScoreInputSchema = Type.Object({
  /** Feature name of the metric, shown in explanations. */
  metric: Type.String({ minLength: 1, maxLength: 256 }),
  /** Epoch ms, ascending. */
  ts: Type.Array(Type.Number()),
  values: Type.Array(Type.Number()),
  /** Rows before the first model is fitted (the engine's default is a day at 5 min). */
  minTrainRows: Type.Optional(Type.Integer({ minimum: 16 })),
  /** Trees per forest; fewer is faster and coarser. */
  trees: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type ScoreInput = Static<typeof ScoreInputSchema>;

export interface ScoredAnomaly {
  ts: number;
  score: number;
  summary: string;
}

export interface ScoreOutput {
  /** The engine's anomaly score (0..1) per input sample; 0 until a model exists. */
  scores: number[];
  anomalies: ScoredAnomaly[];
}

export const ScoringRequestSchema = Type.Union([
  Type.Object({ type: Type.Literal('score'), id: Type.Integer({ minimum: 1 }), input: ScoreInputSchema }),
  /** Stops the request `id`; it then answers with E_CANCELLED. */
  Type.Object({ type: Type.Literal('cancel'), id: Type.Integer({ minimum: 1 }) }),
  /** Test hook: the worker exits abruptly. Ignored unless the worker was started with test hooks. */
  Type.Object({ type: Type.Literal('debug.crash'), id: Type.Integer({ minimum: 1 }) }),
]);
export type ScoringRequest = Static<typeof ScoringRequestSchema>;

export type ScoringResponse =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; output: ScoreOutput }
  | { type: 'error'; id: number; error: ErrorBody['error'] };
