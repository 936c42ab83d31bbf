import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access-log line per request, written when the answer has gone out, in place of
 * Fastify's two (`incoming request`, then `request completed`): at the default `info` level
 * those were two synchronous writes to stdout per request, a visible share of a proxied
 * data-source query's CPU (docs/benchmarks.md). The completion line carries what both did:
 * the request (method, URL with credentials redacted, host, client address), the status
 * and the time taken. Fastify's other lines (errors, route not found) are unchanged. A
 * request that never completes (an open event stream) is logged when it ends.
 */
export class AccessLogController extends LogController {
  override incomingRequest(): void {
    // Logged once, on completion (below).
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
