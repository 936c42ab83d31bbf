import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/**
 * Anomaly watches (`/api/v1/anomaly/watches`, docs/datasources.md): a PromQL expression on a
 * data source, pulled at a fixed step; every series it returns gets its own model of the
 * anomaly engine, trained at once from the source's history, and raises anomaly alerts
 * like the embedded store's series.
 */
export const WATCH_STATES = ['backfilling', 'running', 'error'] as const;

export const CreateWatchRequestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
    datasourceId: Type.Integer({ minimum: 1 }),
    query: Type.String({ minLength: 1, maxLength: 16_384 }),
    stepSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
  },
  { additionalProperties: false },
);
export type CreateWatchRequest = Static<typeof CreateWatchRequestSchema>;

export const WatchSeriesSchema = Type.Object({
  key: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  /** Whether the series' model exists yet (it needs a minimum of history). */
  ready: Type.Boolean(),
  samples: Type.Integer(),
  lastTs: Type.Union([Type.Integer(), Type.Null()]),
  lastScore: Type.Union([Type.Number(), Type.Null()]),
});

export const WatchSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  datasourceId: Type.Integer(),
  query: Type.String(),
  stepSeconds: Type.Integer(),
  state: Type.Enum(WATCH_STATES),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  /** Newest sample time pulled, Unix ms. */
  lastTs: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** Anomalies found since the watch started (alerts raised for the recent ones). */
  anomalies: Type.Integer(),
  series: Type.Array(WatchSeriesSchema),
  /**
   * The replica scoring the watch (with several replicas on PostgreSQL each watch is scored
   * by one of them, docs/datasources.md "Replicas"); null before its first pull.
   */
  scoredBy: Type.Union([Type.String(), Type.Null()]),
});
export type Watch = Static<typeof WatchSchema>;

export const WatchIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const WatchScoresQuerySchema = Type.Object(
  { series: Type.Optional(Type.String({ maxLength: 4096 })), from: Type.Optional(Type.Integer({ minimum: 0 })), to: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
export const WatchScoresSchema = Type.Object({
  series: Type.Array(
    Type.Object({
      key: Type.String(),
      timestamps: Type.Array(Type.Integer()),
      values: Type.Array(Type.Number()),
      scores: Type.Array(Type.Number()),
      /** Timestamps scored as anomalous. */
      anomalies: Type.Array(Type.Integer()),
    }),
  ),
});
export type WatchScores = Static<typeof WatchScoresSchema>;

const tags = ['anomaly'];
export const anomalyWatchRoutes = {
  list: defineRoute({ method: 'GET', path: '/anomaly/watches', access: 'anomalies:read', tags, response: Type.Object({ watches: Type.Array(WatchSchema) }) }),
  create: defineRoute({ method: 'POST', path: '/anomaly/watches', access: 'anomalies:write', tags, body: CreateWatchRequestSchema, response: WatchSchema, status: 201 }),
  get: defineRoute({ method: 'GET', path: '/anomaly/watches/:id', access: 'anomalies:read', tags, params: WatchIdParamsSchema, response: WatchSchema }),
  remove: defineRoute({ method: 'DELETE', path: '/anomaly/watches/:id', access: 'anomalies:write', tags, params: WatchIdParamsSchema, status: 204 }),
  scores: defineRoute({ method: 'GET', path: '/anomaly/watches/:id/scores', access: 'anomalies:read', tags, params: WatchIdParamsSchema, query: WatchScoresQuerySchema, response: WatchScoresSchema }),
} as const;
