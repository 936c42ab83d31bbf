import pino, { type DestinationStream, type Logger } from 'pino';
import type { FastifyRequest } from 'fastify';
import { activeTraceIds, tracingActive } from './tracing.ts';

/** Paths that must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
  // Data source credentials (docs/datasources.md): request bodies, records and upstream headers.
  '*.token',
  '*.auth.password',
  '*.auth.token',
  '*.credentials',
  '*.headers.authorization',
];

/** Query parameters that carry credentials (EventSource cannot send headers, so the stream takes `access_token`). */
const SECRET_QUERY = /([?&](?:access_token|token|ticket|api_key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[Redacted]');
}

/** Fastify's request serializer, minus any credential in the query string. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** The server's logger: structured JSON, credentials redacted wherever they might appear. */
export function createLogger(level: string, stream?: DestinationStream): Logger {
  // With tracing on, every line written inside a span carries its trace_id and span_id.
  const options = { level, redact: REDACT, serializers: { req: serializeRequest }, ...(tracingActive() ? { mixin: activeTraceIds } : {}) };
  return stream ? pino(options, stream) : pino(options);
}
