import { Type, type Static } from 'typebox';
import { IncidentBundleSchema } from '../../../shared/api/incidents.ts';

/** What a capsule carries: the server's bundle as-is, plus the pinned metrics around it. */
export const CapsuleSeriesSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  labels: Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1024 })),
  ts: Type.Array(Type.Integer()),
  values: Type.Array(Type.Number()),
  scores: Type.Array(Type.Union([Type.Number(), Type.Null()])),
});

const PromHistogramSchema = Type.Object({
  count: Type.String({ maxLength: 64 }),
  sum: Type.String({ maxLength: 64 }),
  buckets: Type.Optional(Type.Array(Type.Tuple([Type.Integer(), Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 })]))),
});

/**
 * A range answer of Prometheus's query API, as the proxy passed it on: values stay
 * Prometheus's strings ("NaN", "+Inf"), so an offline chart reads them as the online one does.
 */
export const PromMatrixAnswerSchema = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({
    resultType: Type.Literal('matrix'),
    result: Type.Array(
      Type.Object({
        metric: Type.Record(Type.String({ maxLength: 1024 }), Type.String()),
        values: Type.Optional(Type.Array(Type.Tuple([Type.Number(), Type.String({ maxLength: 64 })]))),
        /** Native histogram samples (Prometheus 2.40+): kept as they came, not drawn. */
        histograms: Type.Optional(Type.Array(Type.Tuple([Type.Number(), PromHistogramSchema]))),
      }),
    ),
  }),
  warnings: Type.Optional(Type.Array(Type.String())),
  infos: Type.Optional(Type.Array(Type.String())),
});

/**
 * One data-source (PromQL) query of the incident's metrics panel with its answer over the
 * pinned window, as "keep offline" kept it (cache table `source_ranges`). `datasourceId` is
 * the exporting server's id, which the bundle's `sourceQueries` name too.
 */
export const CapsuleSourceRangeSchema = Type.Object({
  datasourceId: Type.Integer({ minimum: 1 }),
  query: Type.String({ minLength: 1, maxLength: 16_384 }),
  fromTs: Type.Integer(),
  toTs: Type.Integer(),
  fetchedAt: Type.Integer(),
  answer: PromMatrixAnswerSchema,
});
export type CapsuleSourceRange = Static<typeof CapsuleSourceRangeSchema>;

const payloadFields = {
  kind: Type.Literal('smartcloudops.incident-capsule'),
  /** When the capsule was made (epoch ms): how fresh its data is. */
  createdAt: Type.Integer(),
  bundle: IncidentBundleSchema,
  window: Type.Object({ fromTs: Type.Integer(), toTs: Type.Integer() }),
  series: Type.Array(CapsuleSeriesSchema),
};

/** Format 1: the bundle and the pinned series. Still opened (an old capsule has no source answers). */
export const CapsulePayloadV1Schema = Type.Object(payloadFields);

/** Format 2 (current): format 1 plus the answers of the incident's data-source queries. */
export const CapsulePayloadSchema = Type.Object({ ...payloadFields, sourceRanges: Type.Array(CapsuleSourceRangeSchema) });
export type CapsulePayload = Static<typeof CapsulePayloadSchema>;
