import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access-log line per request, written when the answer has gone out, in place of
 * Fastify's two (`incoming request`, then `request completed`): at the default `info` level
 * those were two synchronous writes to stdout per request, each through the logger's
 * wildcard redaction, a visible share of a proxied data-source query's CPU
 * (docs/benchmarks.md). The completion line carries what both did: the request id, the
 * request (method, URL with credentials redacted, host, client address: the `req`
 * serializer, observability/logger.ts), the status and the time taken. Its fields are
 * exactly those, none of them a body or a header, so it is written through `access`, a
 * logger without the wildcard redaction (which costs twice the line itself). A failed
 * request's line, which carries the error, keeps the full redaction. Fastify's other lines
 * (errors, route not found) are unchanged. A request that never completes (an open event
 * stream) is logged when it ends.
 */
export class AccessLogController extends LogController {
  readonly #access: FastifyBaseLogger;

  constructor(access: FastifyBaseLogger) {
    super();
    this.#access = access;
  }

  override incomingRequest(): void {
    // Logged once, on completion (below).
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: { statusCode: reply.statusCode }, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else this.#access.info({ reqId: request.id, req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  }
}
