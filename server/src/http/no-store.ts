import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Whether a request is the API's. Decided on the route the router matched, not on the URL as
 * sent: the router decodes percent-escapes, so `/%61pi/v1/auth/login` is the login route
 * though its URL does not start with "/api/". A URL no route matched (404) is judged as sent.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return (route !== undefined && route.startsWith('/api/')) || request.url.startsWith('/api/');
}

/**
 * API answers are per user and some carry secrets (access and refresh tokens, stream
 * tickets, API key secrets): no browser, proxy or disk cache may keep them.
 * `Cache-Control: no-store` on every /api response that does not set its own policy.
 */
export function installNoStore(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every response and awaits nothing, and an
  // async hook costs Fastify a promise and a microtask turn per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (isApiRequest(request) && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
