import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { buildFleetHealth } from './inventory.ts';
import type { FleetService, FleetSources } from './ports.ts';
import { fleetRoutes } from './routes.ts';

/** Five minutes, or three collection intervals when the collector is slower than that. */
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** Targets named only by alerts resolved this long ago or less stay in the inventory (as unknown). */
const RESOLVED_ALERTS_KEPT_MS = 60 * 60_000;

/** Fleet health from one inventory (docs/server.md, "Fleet health"); it owns no table. */
export function createFleetFeature(ctx: ServerContext, deps: { sources: FleetSources }): Feature<FleetService> {
  const staleAfterMs = Math.max(DEFAULT_STALE_AFTER_MS, 3 * ctx.config.collectIntervalSeconds * 1000);
  const service: FleetService = {
    health: async (page) => {
      const watches = await deps.sources.watches();
      const now = ctx.now();
      return buildFleetHealth({
        now,
        staleAfterMs,
        series: await deps.sources.series(),
        watches,
        alerts: await deps.sources.alerts(now - RESOLVED_ALERTS_KEPT_MS),
        page,
      });
    },
  };
  return {
    service,
    plugin: async (app) => {
      await app.register(fleetRoutes, { fleet: service });
    },
  };
}
