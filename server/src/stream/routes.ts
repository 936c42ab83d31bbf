import type { FastifyPluginAsync } from 'fastify';
import { streamRoutes as routes, type StreamEventType } from '../../../shared/api/stream.ts';
import { AppError } from '../../../shared/errors.ts';
import { registerRoute } from '../http/register-route.ts';
import { principalOf } from '../http/access.ts';
import type { StreamHub } from './hub.ts';
import { hasPermission, type Permission } from '../../../shared/auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';

/**
 * The permission that reads each event type: the one of the routes that answer the same
 * data. `stream:read` opens the stream; what it carries is still each feature's to give, so
 * an API key scoped to `metrics:read` gets samples, not alerts, notes or runbook output.
 * A record, so that the compiler notices a topic added to StreamEvent but not here.
 */
export const STREAM_EVENT_PERMISSION = {
  samples: 'metrics:read',
  anomaly: 'anomalies:read',
  anomaly_score: 'anomalies:read',
  anomaly_model: 'anomalies:read',
  alert: 'alerts:read',
  incident: 'incidents:read',
  timeline: 'incidents:read',
  runbook_run: 'runbooks:read',
  runbook_output: 'runbooks:read',
} as const satisfies Record<StreamEventType, Permission>;
const STREAM_TYPES = Object.keys(STREAM_EVENT_PERMISSION) as StreamEventType[];

/**
 * The event types a principal receives: those asked for (all when none are), each of which
 * it must be allowed to read (403 naming the permission otherwise, as on the type's own
 * routes); asking for none, the types it may read. Null: all of them.
 */
function readableTypes(principal: Principal, asked: ReadonlySet<StreamEventType> | null): ReadonlySet<StreamEventType> | null {
  const readable = (type: StreamEventType) => hasPermission(principal.role, STREAM_EVENT_PERMISSION[type], principal.scopes);
  if (asked) {
    const refused = [...asked].find((type) => !readable(type));
    if (refused) throw new AppError('E_FORBIDDEN', `Stream events of type ${refused} need the ${STREAM_EVENT_PERMISSION[refused]} permission.`, { permission: STREAM_EVENT_PERMISSION[refused] });
    return asked;
  }
  return STREAM_TYPES.every(readable) ? null : new Set(STREAM_TYPES.filter(readable));
}

/** Open streams one user may hold: a console tab holds one; the rest of the server's 256 stay for everyone else. */
export const MAX_STREAMS_PER_USER = 16;

/**
 * `GET /stream`: the live Server-Sent Events stream of everything published on the bus,
 * resumable with `Last-Event-ID`. The response is written directly to the socket (never
 * compressed: a compressor would hold events back in its buffer).
 */
export const streamRoutes: FastifyPluginAsync<{ hub: StreamHub; maxClients?: number; maxClientsPerUser?: number }> = async (app, { hub, maxClients = 256, maxClientsPerUser = MAX_STREAMS_PER_USER }) => {
  registerRoute(app, routes.events, async (request, reply) => {
    const header = request.headers['last-event-id'];
    const rawId = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
    if (rawId !== undefined && !/^[0-9]{1,16}$/.test(rawId)) throw new AppError('E_VALIDATION', 'Last-Event-ID must be an event id.');
    const principal = principalOf(request);
    const types = readableTypes(principal, parseTypes(request.query.types));
    // Each client may hold up to 8 MiB of unsent events: beyond this many, 503 with Retry-After.
    if (hub.clientCount >= maxClients) {
      throw Object.assign(new AppError('E_UNAVAILABLE', 'Too many live streams are open; retry shortly.', { retryAfterSeconds: 10 }), { headers: { 'retry-after': '10' } });
    }
    // One user (a viewer's script, a key) opening streams without end took all of them,
    // and every other user's console went without live updates.
    if (hub.clientCountOf(principal.userId) >= maxClientsPerUser) {
      throw Object.assign(new AppError('E_RATE_LIMITED', `You have ${maxClientsPerUser} live streams open already; close one first.`, { retryAfterSeconds: 10, maxStreamsPerUser: maxClientsPerUser }), {
        headers: { 'retry-after': '10' },
      });
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const owner = {
      userId: principal.userId,
      ...(principal.sessionId !== undefined ? { sessionId: principal.sessionId } : {}),
      ...(principal.apiKeyId !== undefined ? { apiKeyId: principal.apiKeyId } : {}),
    };
    hub.attach(reply.raw, rawId === undefined ? null : Number(rawId), types, owner);
  }, { compress: false, queryCredentials: true });
};

function parseTypes(text: string | undefined): ReadonlySet<StreamEventType> | null {
  if (!text) return null;
  const types = text.split(',').map((t) => t.trim());
  const unknown = types.filter((t) => !(STREAM_TYPES as string[]).includes(t));
  if (unknown.length > 0) throw new AppError('E_VALIDATION', `Unknown stream event types: ${unknown.join(', ')}`, { known: STREAM_TYPES });
  return new Set(types as StreamEventType[]);
}
