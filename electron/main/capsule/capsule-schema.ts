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

export const CapsulePayloadSchema = Type.Object({
  kind: Type.Literal('smartcloudops.incident-capsule'),
  /** When the capsule was made (epoch ms): how fresh its data is. */
  createdAt: Type.Integer(),
  bundle: IncidentBundleSchema,
  window: Type.Object({ fromTs: Type.Integer(), toTs: Type.Integer() }),
  series: Type.Array(CapsuleSeriesSchema),
});
export type CapsulePayload = Static<typeof CapsulePayloadSchema>;
