import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyPluginCallback } from 'fastify';

/** Probes and scrapes are frequent and say nothing about a request path: not traced. */
const UNTRACED = new Set(['/health', '/ready', '/metrics']);

/**
 * Fastify's own OpenTelemetry plugin (@fastify/otel): a SERVER span per request (trace
 * context taken from the `traceparent` header), a span per hook and handler beneath it,
 * and the handler run inside it, so database spans nest under the request. Registered as
 * a plugin, it patches nothing and does not depend on load order. Span names are
 * `METHOD /route/:pattern`, never the raw URL (ids and tokens stay out of names).
 */
export function requestTracing(): FastifyPluginCallback {
  const instrumentation = new FastifyOtelInstrumentation({
    ignorePaths: ({ url }) => UNTRACED.has(url.split('?')[0]!),
    requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`),
    recordExceptions: true,
  });
  return instrumentation.plugin();
}
