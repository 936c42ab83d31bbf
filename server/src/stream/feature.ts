import { Gauge, type Registry } from 'prom-client';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { StreamEventLog, type EventLogOptions } from './event-log.ts';
import { StreamHub, type StreamLiveness } from './hub.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import { SharedEventLog } from './shared-event-log.ts';
import { streamRoutes } from './routes.ts';

export interface StreamDeps {
  /** Where the connected-clients gauge is registered. */
  registry?: Registry;
  heartbeatMs?: number;
  log?: EventLogOptions;
  /** Whether an open stream's credential still stands (features.ts: sessions and API keys). */
  liveness?: StreamLiveness;
  /** How often every open stream's credential is checked again, ms. */
  recheckMs?: number;
}

/** Open streams' credentials are checked again this often: what no local revocation tells (another replica's, a key's expiry). */
export const STREAM_RECHECK_MS = 30_000;

/** The live stream: every bus event, logged for resumption and relayed to SSE clients. */
export function createStreamFeature(ctx: ServerContext, { registry, heartbeatMs = 15_000, log, liveness, recheckMs = STREAM_RECHECK_MS }: StreamDeps = {}): Feature<StreamHub> {
  // On PostgreSQL the log is shared and announced with NOTIFY, so every replica's streams see every event.
  const shared = ctx.sql.dialect === 'postgres' ? new SharedEventLog(ctx.sql, { now: ctx.now, log: ctx.log, ...log }) : undefined;
  const hub = new StreamHub(shared ?? new StreamEventLog(ctx.db, { now: ctx.now, onWriteError: (err) => ctx.log.error({ err }, 'stream events could not be written; kept in memory and retried every second'), ...log }), ctx.events, heartbeatMs, liveness);
  const recheck = new PeriodicTask(async () => void (await hub.checkCredentials()), { everyMs: recheckMs, onError: (err) => ctx.log.warn({ err }, 'open streams could not be checked; trying again at the next tick') });
  if (registry) {
    new Gauge({
      name: 'smartcloudops_stream_clients',
      help: 'Clients connected to the live event stream',
      registers: [registry],
      collect() {
        this.set(hub.clientCount);
      },
    });
  }
  return {
    service: hub,
    plugin: async (app) => {
      // After the hub subscribed (in its constructor), so that nothing read here is lost.
      await shared?.open();
      if (liveness) recheck.start();
      // preClose, not onClose: open streams would otherwise keep close() waiting for them.
      app.addHook('preClose', async () => {
        await recheck.stop();
        hub.close();
      });
      await app.register(streamRoutes, { hub });
    },
  };
}
