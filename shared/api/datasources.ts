import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/**
 * Prometheus-compatible data sources (`/api/v1/datasources/*`, docs/datasources.md).
 * Definitions are admin-managed; secrets (basic password, bearer token) are write-only.
 * The query proxy answers in Prometheus's own JSON shape (its response bodies are passed
 * through unchanged), so those routes declare no response schema.
 */
export const DATASOURCE_TYPES = ['prometheus'] as const;

const NameSchema = Type.String({ minLength: 1, maxLength: 100 });
const UrlSchema = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });

export const BasicAuthInputSchema = Type.Object(
  {
    type: Type.Literal('basic'),
    username: Type.String({ minLength: 1, maxLength: 256 }),
    /** Write-only. On PATCH, left out keeps the stored password. */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);
export const BearerAuthInputSchema = Type.Object(
  {
    type: Type.Literal('bearer'),
    /** Write-only. On PATCH, left out keeps the stored token. */
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
  },
  { additionalProperties: false },
);
export const AuthInputSchema = Type.Union([BasicAuthInputSchema, BearerAuthInputSchema]);
export type DatasourceAuthInput = Static<typeof AuthInputSchema>;

const Settings = {
  tlsSkipVerify: Type.Optional(Type.Boolean()),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
  scrapeIntervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
};

export const CreateDatasourceRequestSchema = Type.Object(
  { name: NameSchema, type: Type.Literal('prometheus'), url: UrlSchema, auth: Type.Optional(AuthInputSchema), ...Settings },
  { additionalProperties: false },
);
export type CreateDatasourceRequest = Static<typeof CreateDatasourceRequestSchema>;

export const UpdateDatasourceRequestSchema = Type.Object(
  { name: Type.Optional(NameSchema), url: Type.Optional(UrlSchema), auth: Type.Optional(Type.Union([AuthInputSchema, Type.Null()])), ...Settings },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDatasourceRequest = Static<typeof UpdateDatasourceRequestSchema>;

/** What is shown of the credentials: their kind and whether a secret is stored, never the secret. */
export const AuthViewSchema = Type.Union([
  Type.Object({ type: Type.Literal('basic'), username: Type.String(), hasPassword: Type.Boolean() }),
  Type.Object({ type: Type.Literal('bearer'), hasToken: Type.Boolean() }),
]);

export const DatasourceSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: Type.Literal('prometheus'),
  url: Type.String(),
  auth: Type.Union([AuthViewSchema, Type.Null()]),
  tlsSkipVerify: Type.Boolean(),
  timeoutSeconds: Type.Integer(),
  scrapeIntervalSeconds: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type Datasource = Static<typeof DatasourceSchema>;

export const DatasourceListSchema = Type.Object({ datasources: Type.Array(DatasourceSchema) });
export type DatasourceList = Static<typeof DatasourceListSchema>;

export const DatasourceIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const TEST_FAILURE_KINDS = ['dns', 'refused', 'tls', 'auth', 'timeout', 'http', 'network', 'not_prometheus'] as const;
export const TestFailureKindSchema = Type.Union([
  Type.Literal('dns'), Type.Literal('refused'), Type.Literal('tls'), Type.Literal('auth'),
  Type.Literal('timeout'), Type.Literal('http'), Type.Literal('network'), Type.Literal('not_prometheus'),
]);
export type TestFailureKind = Static<typeof TestFailureKindSchema>;

export const DatasourceTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  /** Prometheus version from /api/v1/status/buildinfo (absent for servers that do not answer it). */
  version: Type.Optional(Type.String()),
  /** Round trip of the check, ms. */
  latencyMs: Type.Number(),
  error: Type.Optional(Type.Object({ kind: TestFailureKindSchema, message: Type.String() })),
});
export type DatasourceTestResult = Static<typeof DatasourceTestResultSchema>;

/** Prometheus time: Unix seconds (may be fractional) or RFC 3339. */
const PromTime = Type.String({ minLength: 1, maxLength: 64 });
/** Prometheus duration (`15s`, `1m`) or seconds. */
const PromDuration = Type.String({ minLength: 1, maxLength: 32 });
const PromQL = Type.String({ minLength: 1, maxLength: 16_384 });
const Matchers = Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 50 })]);

export const ProxyRangeQuerySchema = Type.Object(
  {
    query: PromQL,
    start: PromTime,
    end: PromTime,
    /** Absent: chosen like Grafana, max(scrape interval, range / maxPoints). */
    step: Type.Optional(PromDuration),
    /** Points per series the caller can draw; bounds the computed step (default 1,100). */
    maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 11_000 })),
  },
  { additionalProperties: false },
);
export type ProxyRangeQuery = Static<typeof ProxyRangeQuerySchema>;

export const ProxyInstantQuerySchema = Type.Object({ query: PromQL, time: Type.Optional(PromTime) }, { additionalProperties: false });
export const ProxySeriesQuerySchema = Type.Object(
  { 'match[]': Matchers, start: Type.Optional(PromTime), end: Type.Optional(PromTime) },
  { additionalProperties: false },
);
export const ProxyLabelsQuerySchema = Type.Object(
  { 'match[]': Type.Optional(Matchers), start: Type.Optional(PromTime), end: Type.Optional(PromTime) },
  { additionalProperties: false },
);
export const LabelParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }), name: Type.String({ minLength: 1, maxLength: 256, pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }) });

/** Prometheus's answer envelope, as the proxy passes it through. */
export interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  warnings?: string[];
  /** VictoriaMetrics (cluster): some storage nodes did not answer, so series may be missing. */
  isPartial?: boolean;
  errorType?: string;
  error?: string;
}
export type PromSample = [number, string];
/**
 * A native histogram sample: its count and sum (strings, like float values) and buckets as
 * `[boundary rule, lower, upper, count]` (shared/metrics/native-histograms.ts).
 */
export interface PromHistogram {
  count: string;
  sum: string;
  buckets?: Array<[number, string, string, string]>;
}
export type PromHistogramSample = [number, PromHistogram];
/** A series holds float samples (`values`), native histogram samples (`histograms`), or both. */
export interface PromMatrix {
  resultType: 'matrix';
  result: Array<{ metric: Record<string, string>; values?: PromSample[]; histograms?: PromHistogramSample[] }>;
}
export interface PromVector {
  resultType: 'vector';
  result: Array<{ metric: Record<string, string>; value?: PromSample; histogram?: PromHistogramSample }>;
}
export interface PromScalar {
  resultType: 'scalar' | 'string';
  result: PromSample;
}

const tags = ['datasources'];
const Admin = 'datasources:manage' as const;

export const datasourcesRoutes = {
  list: defineRoute({ method: 'GET', path: '/datasources', access: Admin, tags, response: DatasourceListSchema }),
  create: defineRoute({ method: 'POST', path: '/datasources', access: Admin, tags, body: CreateDatasourceRequestSchema, response: DatasourceSchema, status: 201 }),
  get: defineRoute({ method: 'GET', path: '/datasources/:id', access: Admin, tags, params: DatasourceIdParamsSchema, response: DatasourceSchema }),
  update: defineRoute({ method: 'PATCH', path: '/datasources/:id', access: Admin, tags, params: DatasourceIdParamsSchema, body: UpdateDatasourceRequestSchema, response: DatasourceSchema }),
  remove: defineRoute({ method: 'DELETE', path: '/datasources/:id', access: Admin, tags, params: DatasourceIdParamsSchema, status: 204 }),
  test: defineRoute({ method: 'POST', path: '/datasources/:id/test', access: Admin, tags, params: DatasourceIdParamsSchema, response: DatasourceTestResultSchema }),
  /** The sources a reader may query (names and ids only), for the metrics explorer's picker. */
  sources: defineRoute({
    method: 'GET', path: '/datasources/readable', access: 'metrics:read', tags,
    response: Type.Object({ datasources: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.Literal('prometheus'), scrapeIntervalSeconds: Type.Integer() })) }),
  }),
  queryRange: defineRoute({ method: 'GET', path: '/datasources/:id/query_range', access: 'metrics:read', tags, params: DatasourceIdParamsSchema, query: ProxyRangeQuerySchema }),
  query: defineRoute({ method: 'GET', path: '/datasources/:id/query', access: 'metrics:read', tags, params: DatasourceIdParamsSchema, query: ProxyInstantQuerySchema }),
  series: defineRoute({ method: 'GET', path: '/datasources/:id/series', access: 'metrics:read', tags, params: DatasourceIdParamsSchema, query: ProxySeriesQuerySchema }),
  labels: defineRoute({ method: 'GET', path: '/datasources/:id/labels', access: 'metrics:read', tags, params: DatasourceIdParamsSchema, query: ProxyLabelsQuerySchema }),
  labelValues: defineRoute({ method: 'GET', path: '/datasources/:id/label/:name/values', access: 'metrics:read', tags, params: LabelParamsSchema, query: ProxyLabelsQuerySchema }),
} as const;
