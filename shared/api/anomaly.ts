import { Type, type Static } from 'typebox';
import { IdParamsSchema } from './params.ts';
import { defineRoute } from './route.ts';

/**
 * The anomaly API contract (`/api/v1/anomaly/...`): the model registry, anomaly events
 * with their explanations, anomaly rates and the service status. Shared by the server
 * (route schemas) and the console (typed client).
 */

export const MODEL_STATES = ['candidate', 'active', 'retired', 'failed'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const AnomalyModelSchema = Type.Object({
  id: Type.Integer(),
  /** The host or service the model watches. */
  target: Type.String(),
  /** 1, 2, ... per target. */
  version: Type.Integer(),
  state: Type.Enum(MODEL_STATES),
  createdAt: Type.Integer(),
  /** A user name, `system` (first model) or `schedule`. */
  createdBy: Type.String(),
  /** Training window, Unix ms, and its size in rows (one per sample time). */
  trainedFrom: Type.Integer(),
  trainedTo: Type.Integer(),
  trainRows: Type.Integer(),
  /** Metrics, feature names, feature spec, forest and detector parameters. */
  params: Type.Record(Type.String(), Type.Unknown()),
  /** Training raw-score quantiles 0..100 and the raw-score threshold (1 - contamination quantile). */
  scoreDistribution: Type.Object({ quantiles: Type.Array(Type.Number()), threshold: Type.Number() }),
  /** Evaluation figures, e.g. the training alarm rate. */
  evaluation: Type.Record(Type.String(), Type.Unknown()),
  /** Size of the serialised model. */
  bytes: Type.Integer(),
  activatedAt: Nullable(Type.Integer()),
  retiredAt: Nullable(Type.Integer()),
  /**
   * When the serialized model of this retired or failed version was dropped to save space
   * (the row stays for the history and the anomaly events that name it); a pruned version
   * can no longer be promoted or rolled back to. Null while the model is kept.
   */
  prunedAt: Type.Optional(Nullable(Type.Integer())),
  /** Shadow scoring of a candidate beside the active model (A/B). */
  shadow: Type.Object({
    samples: Type.Integer(),
    /** Share of samples where both models made the same alarm decision. */
    agreement: Nullable(Type.Number()),
    candidateAlarms: Type.Integer(),
    activeAlarms: Type.Integer(),
    meanAbsScoreDiff: Nullable(Type.Number()),
  }),
});
export type AnomalyModel = Static<typeof AnomalyModelSchema>;

export const ExplanationSchema = Type.Object({
  /** e.g. "cpu 4.1σ above its 24 h mean, network_in normal". */
  summary: Type.String(),
  metrics: Type.Array(
    Type.Object({
      metric: Type.String(),
      value: Type.Number(),
      /** z-score against the longest trailing scale. */
      sigma: Type.Number(),
      baseline: Type.String(),
      status: Type.Enum(['above', 'below', 'normal'] as const),
      /** Share of the anomaly attributed to this metric, 0..1. */
      share: Type.Number(),
    }),
  ),
  features: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: Type.String(),
      metric: Type.Optional(Type.String()),
      value: Type.Number(),
      deviation: Type.Number(),
      contribution: Type.Number(),
    }),
  ),
});
export type AnomalyExplanation = Static<typeof ExplanationSchema>;

export const AnomalyEventSchema = Type.Object({
  id: Type.Integer(),
  target: Type.String(),
  ts: Type.Integer(),
  modelId: Type.Integer(),
  score: Type.Number(),
  threshold: Type.Number(),
  summary: Type.String(),
  explanation: ExplanationSchema,
});
export type AnomalyEvent = Static<typeof AnomalyEventSchema>;

export const AnomalyRateSchema = Type.Object({
  target: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  /** Scored sample times of the target in the range. */
  samples: Type.Integer(),
  /** Of those, the times whose score reached the threshold. */
  anomalous: Type.Integer(),
  rate: Nullable(Type.Number()),
  threshold: Type.Number(),
});
export type AnomalyRate = Static<typeof AnomalyRateSchema>;

export const AnomalyStatusSchema = Type.Object({
  targets: Type.Array(
    Type.Object({
      target: Type.String(),
      rows: Type.Integer(),
      activeModelId: Nullable(Type.Integer()),
      candidateModelId: Nullable(Type.Integer()),
      /** The replica scoring the target (several replicas on PostgreSQL share the targets out); absent from older servers. */
      scoredBy: Type.Optional(Type.String()),
      /**
       * Only for a target with more series than a model takes (84; kube-state-metrics is one
       * target of ~20,000): its series, and how many of them are read and scored (the model's
       * `params.metrics` name which). Absent for every other target and from older servers.
       */
      series: Type.Optional(Type.Integer()),
      scoredSeries: Type.Optional(Type.Integer()),
    }),
  ),
  pool: Type.Object({ threads: Type.Integer(), completed: Type.Integer(), failures: Type.Integer(), queueSize: Type.Integer() }),
  modelLoadFailures: Type.Integer(),
  scoringFailures: Type.Integer(),
});
export type AnomalyStatus = Static<typeof AnomalyStatusSchema>;

/** A metric saturated for (nearly) all of a training window: a model learns it as normal. */
export const ExtremeWindowFindingSchema = Type.Object({
  /** The metric within the target, e.g. `node_cpu_utilisation_ratio`. */
  metric: Type.String(),
  /** The saturation level: 0.95 for a utilisation ratio, 2 for load per core. */
  limit: Type.Number(),
  /** Share of the window's samples at or above it, 0..1. */
  share: Type.Number(),
  /** "node_cpu_utilisation_ratio at or above 95% for 100% of the window". */
  text: Type.String(),
});
export type ExtremeWindowFinding = Static<typeof ExtremeWindowFindingSchema>;

/**
 * Where a target's model stands: `learning` until it has `required` samples (no model
 * yet, so "nothing unusual" would be a guess), then `ready`. `extremeWindow` lists the
 * metrics saturated through the window the active model learned (or, while learning,
 * the window it is about to learn): anomalies against such a baseline may be missed.
 */
export const TrainingProgressSchema = Type.Object({
  target: Type.String(),
  state: Type.Enum(['learning', 'ready'] as const),
  /** Samples (sample times) held for the target now. */
  samples: Type.Integer(),
  /** Samples needed before the first model. */
  required: Type.Integer(),
  /** Samples a model is trained on at most. */
  window: Type.Integer(),
  /** Typical time between samples, from the recent ones; null with fewer than two. */
  sampleIntervalMs: Nullable(Type.Integer()),
  /** Unix ms the first model is expected, while learning; null when ready or unknown. */
  readyAt: Nullable(Type.Integer()),
  activeModelId: Nullable(Type.Integer()),
  activeModelVersion: Nullable(Type.Integer()),
  /** Rows the active model was trained on. */
  trainedRows: Nullable(Type.Integer()),
  extremeWindow: Type.Array(ExtremeWindowFindingSchema),
});
export type TrainingProgress = Static<typeof TrainingProgressSchema>;

/**
 * Data of the stream's `anomaly_score` event: one scored sample time of a target. Rows
 * scored together (a back-fill) send one event, for the newest of them; every score is
 * stored (`/anomaly/rate`, the metrics store) and every anomaly has its own `anomaly` event.
 */
export interface AnomalyScoreEventData {
  target: string;
  ts: number;
  modelId: number;
  /** Raw isolation score. */
  rawScore: number;
  likelihood: number;
  /** The stored, thresholded score (0..1). */
  score: number;
  threshold: number;
  isAnomaly: boolean;
}

const Target = Type.String({ minLength: 1, maxLength: 200 });

export const AnomalyTargetBodySchema = Type.Object({ target: Target }, { additionalProperties: false });
export const AnomalyModelsQuerySchema = Type.Object({ target: Type.Optional(Target) }, { additionalProperties: false });
export const AnomalyRateQuerySchema = Type.Object(
  { target: Target, from: Type.Integer({ minimum: 0 }), to: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
export const AnomalyEventsQuerySchema = Type.Object(
  { target: Type.Optional(Target), from: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);

const tags = ['anomaly'];

/** Anomaly events for viewers; training, promotion and rollback for admins (`models:manage`). */
export const anomalyRoutes = {
  status: defineRoute({ method: 'GET', path: '/anomaly/status', access: 'anomalies:read', tags, response: AnomalyStatusSchema }),
  models: defineRoute({ method: 'GET', path: '/anomaly/models', access: 'anomalies:read', tags, query: AnomalyModelsQuerySchema, response: Type.Array(AnomalyModelSchema) }),
  model: defineRoute({ method: 'GET', path: '/anomaly/models/:id', access: 'anomalies:read', tags, params: IdParamsSchema, response: AnomalyModelSchema }),
  train: defineRoute({ method: 'POST', path: '/anomaly/models/train', access: 'models:manage', tags, body: AnomalyTargetBodySchema, response: AnomalyModelSchema, status: 201 }),
  promote: defineRoute({ method: 'POST', path: '/anomaly/models/:id/promote', access: 'models:manage', tags, params: IdParamsSchema, response: AnomalyModelSchema }),
  rollback: defineRoute({ method: 'POST', path: '/anomaly/models/rollback', access: 'models:manage', tags, body: AnomalyTargetBodySchema, response: AnomalyModelSchema }),
  /** Per target: learning progress ("150/288 samples, ready at ~04:48") and extreme training windows. */
  training: defineRoute({ method: 'GET', path: '/anomaly/training', access: 'anomalies:read', tags, response: Type.Array(TrainingProgressSchema) }),
  rate: defineRoute({ method: 'GET', path: '/anomaly/rate', access: 'anomalies:read', tags, query: AnomalyRateQuerySchema, response: AnomalyRateSchema }),
  /** Newest first. */
  events: defineRoute({ method: 'GET', path: '/anomaly/events', access: 'anomalies:read', tags, query: AnomalyEventsQuerySchema, response: Type.Array(AnomalyEventSchema) }),
} as const;
