import type { FastifyPluginAsync } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StreamEventType } from '../../../shared/api/stream.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import { StreamEventLog, type EventLogOptions } from './event-log.ts';
import { StreamHub } from './hub.ts';

export interface StreamRoutesOptions {
  ctx: ServerContext;
  /** Where the connected-clients gauge is registered. */
  registry?: Registry;
  heartbeatMs?: number;
  log?: EventLogOptions;
}

// Spelled as a record so that the compiler notices a topic added to StreamEvent but not here.
const STREAM_TYPES = Object.keys({ samples: 1, anomaly: 1, anomaly_score: 1, alert: 1, incident: 1, timeline: 1, runbook_run: 1, runbook_output: 1 } satisfies Record<StreamEventType, 1>);

const StreamQuery = Type.Object({
  /** Comma-separated event types to receive; absent: all. */
  types: Type.Optional(Type.String({ maxLength: 200 })),
  /** For clients that cannot send the Last-Event-ID header on their first connection. */
  lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })),
  access_token: Type.Optional(Type.String()),
});

/**
 * `GET /stream`: the live Server-Sent Events stream of everything published on the bus,
 * resumable with `Last-Event-ID`. The response is written directly to the socket (never
 * compressed: a compressor would hold events back in its buffer).
 */
export const streamRoutes: FastifyPluginAsync<StreamRoutesOptions> = async (fastify, { ctx, registry, heartbeatMs = 15_000, log }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const hub = new StreamHub(new StreamEventLog(ctx.db, { now: ctx.now, ...log }), ctx.events, heartbeatMs);
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
  // preClose, not onClose: open streams would otherwise keep close() waiting for them.
  app.addHook('preClose', async () => hub.close());

  app.get('/stream', {
    config: { access: 'stream:read', compress: false },
    schema: { tags: ['stream'], querystring: StreamQuery },
  }, async (request, reply) => {
    const header = request.headers['last-event-id'];
    const rawId = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
    if (rawId !== undefined && !/^[0-9]{1,16}$/.test(rawId)) throw new AppError('E_VALIDATION', 'Last-Event-ID must be an event id.');
    const types = parseTypes(request.query.types);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    hub.attach(reply.raw, rawId === undefined ? null : Number(rawId), types);
  });
};

function parseTypes(text: string | undefined): ReadonlySet<StreamEventType> | null {
  if (!text) return null;
  const types = text.split(',').map((t) => t.trim());
  const unknown = types.filter((t) => !STREAM_TYPES.includes(t));
  if (unknown.length > 0) throw new AppError('E_VALIDATION', `Unknown stream event types: ${unknown.join(', ')}`, { known: STREAM_TYPES });
  return new Set(types as StreamEventType[]);
}
