import type { FastifyInstance } from 'fastify';

/**
 * API answers are per user and some carry secrets (access and refresh tokens, stream
 * tickets, API key secrets): no browser, proxy or disk cache may keep them.
 * `Cache-Control: no-store` on every /api response that does not set its own policy.
 */
export function installNoStore(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every response and awaits nothing, and an
  // async hook costs Fastify a promise and a microtask turn per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
