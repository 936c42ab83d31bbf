import type { FastifyInstance } from 'fastify';

/**
 * One access-log line per request, written when the answer has gone out, in place of
 * Fastify's two (`incoming request` and `request completed`): at the default `info` level
 * those were two synchronous writes to stdout per request, measured as about a sixth of a
 * proxied data-source query's CPU (docs/benchmarks.md). The line carries what both did:
 * the request (method, URL with credentials redacted, host, client address), the status
 * and the time taken. A request that never completes (an open event stream) is logged when
 * it ends.
 */
export function installAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });
}
