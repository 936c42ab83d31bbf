import { Gauge, type Registry } from 'prom-client';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { StreamEventLog, type EventLogOptions } from './event-log.ts';
import { StreamHub } from './hub.ts';
import { SharedEventLog } from './shared-event-log.ts';
import { streamRoutes } from './routes.ts';

export interface StreamDeps {
  /** Where the connected-clients gauge is registered. */
  registry?: Registry;
  heartbeatMs?: number;
  log?: EventLogOptions;
}

/** The live stream: every bus event, logged for resumption and relayed to SSE clients. */
export function createStreamFeature(ctx: ServerContext, { registry, heartbeatMs = 15_000, log }: StreamDeps = {}): Feature<StreamHub> {
  // On PostgreSQL the log is shared and announced with NOTIFY, so every replica's streams see every event.
  const shared = ctx.sql.dialect === 'postgres' ? new SharedEventLog(ctx.sql, { now: ctx.now, log: ctx.log, ...log }) : undefined;
  const hub = new StreamHub(shared ?? new StreamEventLog(ctx.db, { now: ctx.now, onWriteError: (err) => ctx.log.error({ err }, 'stream events could not be written; kept in memory and retried every second'), ...log }), ctx.events, heartbeatMs);
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
      // preClose, not onClose: open streams would otherwise keep close() waiting for them.
      app.addHook('preClose', async () => hub.close());
      await app.register(streamRoutes, { hub });
    },
  };
}
