import { Type, type Static, type TSchema } from 'typebox';
import { event, invoke } from '../define.ts';
import { IncidentBundleSchema, IncidentDetailSchema, IncidentListQuerySchema, IncidentPageSchema, TimelineEntrySchema } from '../../api/incidents.ts';
import { RangeQuerySchema, RangeResponseSchema, SeriesListResponseSchema } from '../../api/metrics.ts';
import { AlertListQuerySchema, AlertPageSchema } from '../../api/alerts.ts';
import { ProxyRangeQuerySchema } from '../../api/datasources.ts';

/**
 * The local cache, sync, keep-offline, capsule and scoring channels. Every read answers
 * with where it came from and how fresh it is, so the console can say "offline, as of …".
 */
export function readResultSchema<T extends TSchema>(data: T) {
  return Type.Object({
    data,
    source: Type.Union([Type.Literal('server'), Type.Literal('cache')]),
    /** Epoch ms the data was last known to match the server; null if never synced. */
    freshAsOf: Type.Union([Type.Integer(), Type.Null()]),
  });
}

/** `profile`: the selected server's cache (server first); `capsules`: opened capsules (no server). */
const Origin = Type.Optional(Type.Union([Type.Literal('profile'), Type.Literal('capsules')]));
const IncidentId = Type.Integer({ minimum: 1 });

export const SyncStatusSchema = Type.Object({
  state: Type.Union([Type.Literal('stopped'), Type.Literal('syncing'), Type.Literal('live'), Type.Literal('offline')]),
  freshAsOf: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }), Type.Null()]),
});

export const PinSchema = Type.Object({
  incidentId: Type.Integer(),
  fromTs: Type.Integer(),
  toTs: Type.Integer(),
  seriesIds: Type.Array(Type.Integer()),
  pinnedAt: Type.Integer(),
  origin: Type.Union([Type.Literal('server'), Type.Literal('capsule')]),
});

export const CacheStatusSchema = Type.Object({
  sync: SyncStatusSchema,
  usedBytes: Type.Integer(),
  samples: Type.Integer(),
  pins: Type.Array(PinSchema),
});
export type CacheStatusView = Static<typeof CacheStatusSchema>;

export const SyncProgressSchema = Type.Object({
  seriesTotal: Type.Union([Type.Integer(), Type.Null()]),
  seriesSeen: Type.Integer(),
  samples: Type.Integer(),
  samplesPerSecond: Type.Integer(),
  etaMs: Type.Union([Type.Integer(), Type.Null()]),
  done: Type.Boolean(),
});

export const ImportedCapsuleSchema = Type.Object({
  incidentId: Type.Integer(),
  title: Type.String(),
  createdAt: Type.Integer(),
  series: Type.Integer(),
  samples: Type.Integer(),
  /** Data-source query answers it carried (0 for a capsule made before they were). */
  sourceRanges: Type.Integer(),
});

/** A kept-offline incident's samples in its pinned window, with the anomaly scores computed on this machine. */
export const PinnedSeriesSchema = Type.Object({
  incidentId: Type.Integer(),
  fromTs: Type.Integer(),
  toTs: Type.Integer(),
  series: Type.Array(
    Type.Object({
      seriesId: Type.Integer(),
      name: Type.String(),
      labels: Type.Record(Type.String(), Type.String()),
      ts: Type.Array(Type.Integer()),
      values: Type.Array(Type.Number()),
      /** null where the scoring worker has not scored the sample (yet). */
      scores: Type.Array(Type.Union([Type.Number(), Type.Null()])),
    }),
  ),
});
export type PinnedSeries = Static<typeof PinnedSeriesSchema>;

export const cacheChannels = {
  'cache.status': invoke(Type.Undefined(), CacheStatusSchema),
  'cache.syncNow': invoke(Type.Undefined(), Type.Object({ samples: Type.Integer(), pages: Type.Integer() })),
  'cache.queryRange': invoke(Type.Object({ query: RangeQuerySchema, origin: Origin }, { additionalProperties: false }), readResultSchema(RangeResponseSchema)),
  'cache.series': invoke(Type.Object({ match: Type.Optional(Type.String({ maxLength: 1024 })), origin: Origin }, { additionalProperties: false }), readResultSchema(SeriesListResponseSchema)),
  'cache.alerts': invoke(Type.Object({ query: Type.Optional(AlertListQuerySchema), origin: Origin }, { additionalProperties: false }), readResultSchema(AlertPageSchema)),
  'cache.incidents': invoke(Type.Object({ query: Type.Optional(IncidentListQuerySchema), origin: Origin }, { additionalProperties: false }), readResultSchema(IncidentPageSchema)),
  'cache.incident': invoke(Type.Object({ id: IncidentId, origin: Origin }, { additionalProperties: false }), readResultSchema(IncidentDetailSchema)),
  'cache.timeline': invoke(Type.Object({ id: IncidentId, origin: Origin }, { additionalProperties: false }), readResultSchema(Type.Array(TimelineEntrySchema))),
  /** A data-source range query (Prometheus's JSON answer); offline, what "keep offline" kept of it. */
  'cache.sourceRange': invoke(
    Type.Object({ id: Type.Integer({ minimum: 1 }), query: ProxyRangeQuerySchema, origin: Origin }, { additionalProperties: false }),
    readResultSchema(Type.Unknown()),
  ),
  'cache.incidentBundle': invoke(Type.Object({ id: IncidentId, origin: Origin }, { additionalProperties: false }), readResultSchema(IncidentBundleSchema)),
  /** "Keep offline": pins the incident and a window of its metrics (default 1 h either side). */
  'cache.keepOffline': invoke(
    Type.Object(
      { incidentId: IncidentId, beforeMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400_000 })), afterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86_400_000 })) },
      { additionalProperties: false },
    ),
    PinSchema,
  ),
  'cache.release': invoke(Type.Object({ incidentId: IncidentId }, { additionalProperties: false }), Type.Null()),
  /** Main asks where to save; null when the user cancels. */
  'cache.exportCapsule': invoke(Type.Object({ incidentId: IncidentId }, { additionalProperties: false }), Type.Union([Type.Object({ path: Type.String() }), Type.Null()])),
  /** Main asks which file to open; null when the user cancels. E_CAPSULE_INVALID for a damaged or foreign file. */
  'cache.importCapsule': invoke(Type.Undefined(), Type.Union([ImportedCapsuleSchema, Type.Null()])),
  /** Offline review and replay: a pinned incident's series with their local scores; E_NOT_FOUND when not kept offline. */
  'cache.pinnedSeries': invoke(Type.Object({ incidentId: IncidentId, origin: Origin }, { additionalProperties: false }), PinnedSeriesSchema),
  /** Scores a cached series in the scoring worker and stores the scores beside its samples. */
  'cache.scoreSeries': invoke(
    Type.Object({ seriesId: Type.Integer({ minimum: 1 }), fromTs: Type.Integer(), toTs: Type.Integer() }, { additionalProperties: false }),
    Type.Object({ anomalies: Type.Array(Type.Object({ ts: Type.Integer(), score: Type.Number(), summary: Type.String() })) }),
  ),
};

export const cacheEvents = {
  /** Long backfills: series seen, samples, estimated time left. */
  'cache.syncProgress': event(SyncProgressSchema),
  'cache.statusChanged': event(SyncStatusSchema),
  /** The scoring worker died; its requests failed with E_WORKER_FAILED and the next starts a fresh one. */
  'cache.scoringWorkerFailed': event(Type.Object({ exitCode: Type.Union([Type.Integer(), Type.Null()]), reason: Type.String(), failedRequests: Type.Integer() })),
};
