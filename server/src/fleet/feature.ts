import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { coalescedRead } from './coalesced-read.ts';
import { buildFleetHealth, fleetPage } from './inventory.ts';
import type { FleetService, FleetSources } from './ports.ts';
import { fleetRoutes } from './routes.ts';

/** Five minutes, or three collection intervals when the collector is slower than that. */
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** Targets named only by alerts resolved this long ago or less stay in the inventory (as unknown). */
const RESOLVED_ALERTS_KEPT_MS = 60 * 60_000;

/**
 * A storm of alert events makes every open console ask again: after each read of the
 * inventory, twice its time idle (at most a second) before the next.
 */
const IDLE_FACTOR = 2;
const MAX_IDLE_MS = 1_000;

/** An answer is handed out again while nothing changed for at most this long (time alone makes targets silent). */
const ANSWER_KEPT_MS = 5_000;

/** Fleet health from one inventory (docs/server.md, "Fleet health"); it owns no table. */
export function createFleetFeature(ctx: ServerContext, deps: { sources: FleetSources }): Feature<FleetService> {
  const staleAfterMs = Math.max(DEFAULT_STALE_AFTER_MS, 3 * ctx.config.collectIntervalSeconds * 1000);
  const inventory = coalescedRead({
    read: async () => {
      const watches = await deps.sources.watches();
      const now = ctx.now();
      return buildFleetHealth({ now, staleAfterMs, series: await deps.sources.series(), watches, alerts: await deps.sources.alerts(now - RESOLVED_ALERTS_KEPT_MS) });
    },
    idleFactor: IDLE_FACTOR,
    maxIdleMs: MAX_IDLE_MS,
    maxAgeMs: ANSWER_KEPT_MS,
    now: ctx.now,
  });
  const service: FleetService = {
    health: async (page) => fleetPage(await inventory.get(), page),
  };
  return {
    service,
    plugin: async (app) => {
      // Any event here or on another replica (an alert, samples, a watch) may change the
      // inventory: answers from before it are not handed out again.
      const unsubscribe = [ctx.events.subscribe(inventory.changed), ctx.events.subscribeRemote(inventory.changed)];
      app.addHook('onClose', async () => unsubscribe.forEach((stop) => stop()));
      await app.register(fleetRoutes, { fleet: service });
    },
  };
}
