import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../shared/errors.ts';

/** Something with a bounded queue that can be full. */
export interface PressureSource {
  name: string;
  overloaded(): boolean;
}

export interface LoadSheddingOptions {
  /** `METHOD /route` of the writes that feed the queues (the route pattern, not the URL). */
  routes: readonly string[];
  sources: readonly PressureSource[];
  retryAfterSeconds?: number;
}

/**
 * Sheds load at the door: while a bounded queue behind them is full, the writes that feed
 * it answer 503 E_UNAVAILABLE with Retry-After before their body is read, instead of
 * being accepted into memory that grows until the backlog drains.
 */
export function installLoadShedding(app: FastifyInstance, { routes, sources, retryAfterSeconds = 5 }: LoadSheddingOptions): void {
  const guarded = new Set(routes);
  // A callback hook (no promise or microtask per request: it runs on every one).
  app.addHook('onRequest', (request, _reply, done) => {
    if (!guarded.has(`${request.method} ${request.routeOptions.url}`)) {
      done();
      return;
    }
    const full = sources.find((source) => source.overloaded());
    if (!full) {
      done();
      return;
    }
    done(Object.assign(new AppError('E_UNAVAILABLE', `The server is busy (${full.name} is full); retry after ${retryAfterSeconds} s.`, { retryAfterSeconds, queue: full.name }), {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }));
  });
}
