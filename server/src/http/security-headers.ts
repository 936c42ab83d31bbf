import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers Helmet sets for `options`, worked out once. `@fastify/helmet` rebuilt the
 * whole Helmet middleware (parsing every CSP directive) on every request, a visible share
 * of a proxied data-source query's CPU; the headers never change between requests, so
 * they are computed at start-up and copied onto each response.
 */
export function helmetHeaders(options: HelmetOptions): { set: ReadonlyMap<string, string>; removed: readonly string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
      return response;
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      removed.push(name.toLowerCase());
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return { set, removed };
}

/** Security headers on every response (a route's own header, e.g. the API docs' CSP, still wins). */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const { set, removed } = helmetHeaders(options);
  const entries = [...set];
  app.addHook('onRequest', (_request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of entries) raw.setHeader(name, value);
    for (const name of removed) raw.removeHeader(name);
    done();
  });
}
