import { Type, type Static } from 'typebox';
import { defineRoute } from './route.ts';

/**
 * Fleet health (`GET /api/v1/fleet/health`, docs/server.md): every target the server knows
 * of, counted once from one inventory — the series the collectors and the ingest API report,
 * the series of anomaly watches on data sources, and the instances alerts name — with its
 * health and, when it is not healthy, why. The overview's "x / y healthy" reads it.
 */
export const TARGET_HEALTHS = ['healthy', 'unhealthy', 'unknown'] as const;
export type TargetHealth = (typeof TARGET_HEALTHS)[number];

/** Where a target of the inventory was seen. */
export const TARGET_SOURCES = ['metrics', 'watch', 'alerts'] as const;
export type TargetSource = (typeof TARGET_SOURCES)[number];

export const FleetTargetSchema = Type.Object({
  /** The host (an instance's port left out: `api-1:9100` and `api-1` are one target). */
  name: Type.String(),
  health: Type.Enum(TARGET_HEALTHS),
  sources: Type.Array(Type.Enum(TARGET_SOURCES)),
  /** The names it goes by in labels (`api-1`, `api-1:9100`), sorted. */
  instances: Type.Array(Type.String()),
  /** Newest sample of its series (metrics or watches), Unix ms; null when nothing is collected from it. */
  lastSampleAt: Type.Union([Type.Integer(), Type.Null()]),
  /** Unresolved (firing or acknowledged) alerts that name it. */
  activeAlerts: Type.Integer({ minimum: 0 }),
  /** Why it is unhealthy or unknown, one sentence each (at most 10, the last then says how many more); empty when healthy. */
  reasons: Type.Array(Type.String()),
});
export type FleetTarget = Static<typeof FleetTargetSchema>;

/** Targets in one answer by default, and at most (a fleet of thousands is read page by page). */
export const FLEET_PAGE_DEFAULT = 200;
export const FLEET_PAGE_MAX = 1_000;
/** Reasons listed per target; beyond, the last says how many more there are. */
export const FLEET_REASONS_MAX = 10;

export const FleetHealthQuerySchema = Type.Object(
  {
    /** Targets in this answer (default 200, at most 1,000). */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: FLEET_PAGE_MAX })),
    /** Targets of the order below to skip (the previous answer's `nextOffset`). */
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  },
  { additionalProperties: false },
);
export type FleetHealthQuery = Static<typeof FleetHealthQuerySchema>;

export const FleetHealthSchema = Type.Object({
  generatedAt: Type.Integer(),
  /** A target whose newest sample is older than this is unhealthy (silent). */
  staleAfterMs: Type.Integer(),
  /** Distinct targets: healthy + unhealthy + unknown. */
  total: Type.Integer({ minimum: 0 }),
  healthy: Type.Integer({ minimum: 0 }),
  unhealthy: Type.Integer({ minimum: 0 }),
  /** Known only from alerts (nothing collected here), or a watch still backfilling. */
  unknown: Type.Integer({ minimum: 0 }),
  /**
   * One page of the targets: unhealthy first (most unresolved alerts first, then by name),
   * then unknown, then healthy, by name within each. The counts above are the whole fleet's.
   */
  targets: Type.Array(FleetTargetSchema),
  /** Where this page starts in that order. */
  offset: Type.Integer({ minimum: 0 }),
  /** The `offset` of the next page; null on the last. */
  nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});
export type FleetHealth = Static<typeof FleetHealthSchema>;

export const fleetRoutes = {
  health: defineRoute({ method: 'GET', path: '/fleet/health', access: 'metrics:read', tags: ['fleet'], query: FleetHealthQuerySchema, response: FleetHealthSchema }),
} as const;
