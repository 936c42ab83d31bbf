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
  /** Why it is unhealthy or unknown, one sentence each; empty when healthy. */
  reasons: Type.Array(Type.String()),
});
export type FleetTarget = Static<typeof FleetTargetSchema>;

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
  /** Unhealthy first, then unknown, then healthy; by name within each. */
  targets: Type.Array(FleetTargetSchema),
});
export type FleetHealth = Static<typeof FleetHealthSchema>;

export const fleetRoutes = {
  health: defineRoute({ method: 'GET', path: '/fleet/health', access: 'metrics:read', tags: ['fleet'], response: FleetHealthSchema }),
} as const;
