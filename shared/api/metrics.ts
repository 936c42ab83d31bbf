import { Type, type Static } from 'typebox';
import { MAX_STEP_MS, MAX_TIMESTAMP_MS } from './numbers.ts';
import { defineRoute } from './route.ts';

/**
 * Metrics API contract (`/api/v1/metrics/*`). Times are Unix milliseconds; point lists are
 * columnar (parallel arrays), which is smaller on the wire and what chart code wants.
 */
export const METRIC_NAME_PATTERN = '^[a-zA-Z_:][a-zA-Z0-9_:]*$';
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$';

// A record keyed by pattern: any other key is refused rather than let through unchecked.
export const LabelsSchema = Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ maxLength: 1024 }), {
  maxProperties: 32,
  additionalProperties: false,
});

export const SeriesSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
});
export type Series = Static<typeof SeriesSchema>;

export const IngestSeriesSchema = Type.Object(
  {
    name: Type.String({ pattern: METRIC_NAME_PATTERN, maxLength: 200 }),
    labels: LabelsSchema,
    /** `[unix ms, value]` pairs. */
    samples: Type.Array(Type.Tuple([Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 }), Type.Number()]), { maxItems: 1_000_000 }),
  },
  { additionalProperties: false },
);
export const IngestRequestSchema = Type.Object({ series: Type.Array(IngestSeriesSchema, { minItems: 1, maxItems: 100_000 }) }, { additionalProperties: false });
export type IngestRequest = Static<typeof IngestRequestSchema>;

export const IngestResponseSchema = Type.Object({ series: Type.Integer(), samples: Type.Integer() });
export type IngestResponse = Static<typeof IngestResponseSchema>;

export const SeriesListQuerySchema = Type.Object({
  /** PromQL-style selector, e.g. `node_filesystem_avail_bytes{mount=~"/var.*"}`; absent: all series. */
  match: Type.Optional(Type.String({ maxLength: 1024 })),
}, { additionalProperties: false });
export const SeriesListResponseSchema = Type.Object({ series: Type.Array(SeriesSchema) });
export type SeriesListResponse = Static<typeof SeriesListResponseSchema>;

export const AggregationSchema = Type.Union([Type.Literal('avg'), Type.Literal('min'), Type.Literal('max'), Type.Literal('sum'), Type.Literal('count'), Type.Literal('last')]);

export const RangeQuerySchema = Type.Object({
  /** Selector of the series to read. */
  match: Type.String({ minLength: 1, maxLength: 1024 }),
  from: Type.Integer({ minimum: 0, maximum: MAX_TIMESTAMP_MS }),
  to: Type.Integer({ minimum: 0, maximum: MAX_TIMESTAMP_MS }),
  /** Bucket width in ms; absent: the stored points themselves. */
  step: Type.Optional(Type.Integer({ minimum: 1000, maximum: MAX_STEP_MS })),
  agg: Type.Optional(AggregationSchema),
  /** Most points per series returned; more are reduced by LTTB. */
  maxPoints: Type.Optional(Type.Integer({ minimum: 3, maximum: 20_000 })),
}, { additionalProperties: false });
export type RangeQuery = Static<typeof RangeQuerySchema>;

export const ResolutionSchema = Type.Union([Type.Literal('raw'), Type.Literal('1m'), Type.Literal('1h')]);

export const RangeSeriesSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  /** Which store answered: raw samples or a rollup. */
  resolution: ResolutionSchema,
  timestamps: Type.Array(Type.Number()),
  values: Type.Array(Type.Number()),
});
export const RangeResponseSchema = Type.Object({ series: Type.Array(RangeSeriesSchema) });
export type RangeResponse = Static<typeof RangeResponseSchema>;

export const LatestResponseSchema = Type.Object({
  series: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      labels: Type.Record(Type.String(), Type.String()),
      ts: Type.Union([Type.Number(), Type.Null()]),
      value: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export type LatestResponse = Static<typeof LatestResponseSchema>;

export const ExportQuerySchema = Type.Object({
  /** Opaque cursor from the previous page; absent: from the beginning. */
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200_000 })),
}, { additionalProperties: false });
export const ExportResponseSchema = Type.Object({
  /** Definitions of the series this page's samples refer to. */
  series: Type.Array(SeriesSchema),
  /** Samples, columnar: the i-th sample is (seriesIds[i], timestamps[i], values[i]). */
  seriesIds: Type.Array(Type.Integer()),
  timestamps: Type.Array(Type.Number()),
  values: Type.Array(Type.Number()),
  /** Pass as `after` for the next page (unchanged when the page is empty). */
  cursor: Type.String(),
  /** Whether more samples are already waiting. */
  more: Type.Boolean(),
});
export type ExportResponse = Static<typeof ExportResponseSchema>;

/**
 * `GET /metrics/export/chunks`: the same samples, order and cursor as `/metrics/export`,
 * with the server's compressed chunks (shared/metrics/chunk-codec.ts) passed on whole as
 * base64 instead of as numbers; samples not in a chunk yet come columnar as before.
 */
export const ExportChunksResponseSchema = Type.Object({
  series: Type.Array(SeriesSchema),
  /** `chunks[i]` holds samples of series `chunkSeriesIds[i]`. */
  chunkSeriesIds: Type.Array(Type.Integer()),
  /** Base64 of each chunk's bytes. */
  chunks: Type.Array(Type.String()),
  seriesIds: Type.Array(Type.Integer()),
  timestamps: Type.Array(Type.Number()),
  values: Type.Array(Type.Number()),
  cursor: Type.String(),
  more: Type.Boolean(),
});
export type ExportChunksResponse = Static<typeof ExportChunksResponseSchema>;

export const CacheStatsSchema = Type.Object({
  hits: Type.Integer(),
  misses: Type.Integer(),
  invalidations: Type.Integer(),
  entries: Type.Integer(),
  points: Type.Integer(),
});
export const MetricsStatsResponseSchema = Type.Object({ series: Type.Integer(), cache: CacheStatsSchema });
export type MetricsStatsResponse = Static<typeof MetricsStatsResponseSchema>;

/** Largest ingest body, bytes: a bulk back-fill is far larger than any other request. */
export const INGEST_BODY_LIMIT = 64 * 1_048_576;

/**
 * `GET /metrics/overview`: what the overview's first paint needs in one request: every
 * series (as `/metrics/series`) and the recent window of each featured one (picked by
 * shared/metrics/featured-series.ts, read as `/metrics/query_range` would with the
 * featured series' own selector), instead of a list, then one range query per sparkline.
 */
export const OverviewQuerySchema = Type.Object({
  /** Length of each window, minutes before now. */
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, default: 15 })),
  /** Most points per window (LTTB beyond). */
  maxPoints: Type.Optional(Type.Integer({ minimum: 3, maximum: 2000, default: 300 })),
  /** How many featured series get a window. */
  featured: Type.Optional(Type.Integer({ minimum: 0, maximum: 24, default: 6 })),
}, { additionalProperties: false });
export const OverviewResponseSchema = Type.Object({
  series: Type.Array(SeriesSchema),
  /** The windows' bounds, unix ms. */
  from: Type.Number(),
  to: Type.Number(),
  /** One per featured series, in featured order: its selector and what a range query of it returns. */
  windows: Type.Array(Type.Object({ match: Type.String(), series: Type.Array(RangeSeriesSchema) })),
});
export type OverviewResponse = Static<typeof OverviewResponseSchema>;

export const metricsRoutes = {
  series: defineRoute({ method: 'GET', path: '/metrics/series', access: 'metrics:read', tags: ['metrics'], query: SeriesListQuerySchema, response: SeriesListResponseSchema }),
  range: defineRoute({ method: 'GET', path: '/metrics/query_range', access: 'metrics:read', tags: ['metrics'], query: RangeQuerySchema, response: RangeResponseSchema }),
  latest: defineRoute({ method: 'GET', path: '/metrics/latest', access: 'metrics:read', tags: ['metrics'], query: SeriesListQuerySchema, response: LatestResponseSchema }),
  ingest: defineRoute({
    method: 'POST', path: '/metrics/ingest', access: 'metrics:write', tags: ['metrics'], bodyLimit: INGEST_BODY_LIMIT, body: IngestRequestSchema, response: IngestResponseSchema,
  }),
  export: defineRoute({ method: 'GET', path: '/metrics/export', access: 'metrics:read', tags: ['metrics'], query: ExportQuerySchema, response: ExportResponseSchema }),
  exportChunks: defineRoute({
    method: 'GET', path: '/metrics/export/chunks', access: 'metrics:read', tags: ['metrics'], query: ExportQuerySchema, response: ExportChunksResponseSchema,
  }),
  overview: defineRoute({ method: 'GET', path: '/metrics/overview', access: 'metrics:read', tags: ['metrics'], query: OverviewQuerySchema, response: OverviewResponseSchema }),
  stats: defineRoute({ method: 'GET', path: '/metrics/stats', access: 'metrics:read', tags: ['metrics'], response: MetricsStatsResponseSchema }),
} as const;
