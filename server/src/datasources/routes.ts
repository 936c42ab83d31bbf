import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AppError } from '../../../shared/errors.ts';
import { datasourcesRoutes as routes } from '../../../shared/api/datasources.ts';
import { auditActor } from '../audit/actor.ts';
import { registerRoutes, type RouteExtras } from '../http/register-route.ts';
import type { ProxyAnswer, QueryProxy } from './proxy.ts';
import type { QueryBudget } from './query-budget.ts';
import { gzipOf, wantsGzip } from './answer-gzip.ts';
import { publicView } from './store.ts';
import type { DatasourceService } from './service.ts';

export interface DatasourceRoutesOptions {
  datasources: DatasourceService;
  proxy: QueryProxy;
  /** Proxy requests per user per minute, counted across replicas. */
  budget: QueryBudget;
  queriesPerMinute: number;
}

/**
 * Sends Prometheus's bytes unchanged (gzip'd once per answer when the client takes it);
 * `x-cache` and `x-step` say what the proxy did. An answer nothing keeps is released as soon
 * as what sends it holds the bytes (ProxyAnswer.release).
 */
function send(request: FastifyRequest, reply: FastifyReply, answer: ProxyAnswer): FastifyReply | Promise<FastifyReply> {
  void reply.header('content-type', answer.contentType).header('x-cache', answer.cache).header('vary', 'accept-encoding');
  if (answer.stepSeconds !== undefined) void reply.header('x-step', String(answer.stepSeconds));
  if (wantsGzip(request.headers['accept-encoding'], answer.bytes)) {
    return gzipOf(answer.body).then(
      (body) => {
        answer.release?.();
        return reply.header('content-encoding', 'gzip').send(body);
      },
      (error: unknown) => {
        answer.release?.();
        throw error;
      },
    );
  }
  // One read: sent as it is. Several: passed on as they came, with the length known, rather than joined first.
  const sent = answer.chunks.length <= 1 ? reply.send(answer.body) : reply.header('content-length', String(answer.bytes)).send(streamOf(answer.chunks));
  answer.release?.();
  return sent;
}

/**
 * The chunks as a stream that holds them all from its first read: piped, they are written
 * in one go, and those that queue behind the socket's first write leave in one writev
 * (`Readable.from` would hand them over one per microtask, each its own write). It keeps
 * its own list (the answer's is emptied once sent) and drops it once pushed.
 */
function streamOf(chunks: readonly Buffer[]): Readable {
  let pending: Buffer[] | undefined = [...chunks];
  return new Readable({
    read() {
      for (const chunk of pending ?? []) this.push(chunk);
      pending = undefined;
      this.push(null);
    },
  });
}

/** One budget per signed-in user (or API key), whichever address they come from. */
function principalKey(request: FastifyRequest): string {
  const p = request.principal;
  return p ? `${p.kind}:${p.apiKeyId ?? p.userId}` : `ip:${request.ip}`;
}

/**
 * The per-user query rate limit, after the access check (so it counts per principal):
 * decided in memory, shared with other replicas in the background (query-budget.ts). The
 * headers are @fastify/rate-limit's, which the server's other limits send.
 */
function rateLimit(budget: QueryBudget, limit: number): preHandlerHookHandler {
  const limitHeader = String(limit);
  return (request, reply, done) => {
    const decision = budget.take(principalKey(request));
    const resetSeconds = Math.ceil(decision.resetMs / 1000);
    void reply.header('x-ratelimit-limit', limitHeader).header('x-ratelimit-remaining', String(decision.remaining)).header('x-ratelimit-reset', String(resetSeconds));
    if (decision.allowed) {
      done();
      return;
    }
    done(Object.assign(new AppError('E_RATE_LIMITED', undefined, { retryAfterSeconds: resetSeconds }), { headers: { 'retry-after': String(resetSeconds) } }));
  };
}

export const datasourceRoutes: FastifyPluginAsync<DatasourceRoutesOptions> = async (app, { datasources, proxy, budget, queriesPerMinute }) => {
  // The proxy compresses its answers itself (once per cached answer), not the compress plugin on every reply.
  const limited: RouteExtras = { preHandler: rateLimit(budget, queriesPerMinute), compress: false };
  registerRoutes(
    app,
    routes,
    {
      list: async () => ({ datasources: (await datasources.store.list()).map(publicView) }),
      create: async (request) => publicView(await datasources.create(request.body, auditActor(request))),
      get: async (request) => publicView(await datasources.get(request.params.id)),
      update: async (request) => publicView(await datasources.update(request.params.id, request.body, auditActor(request))),
      remove: async (request) => {
        await datasources.remove(request.params.id, auditActor(request));
      },
      test: async (request) => datasources.test(request.params.id, auditActor(request)),
      sources: async () => ({
        datasources: (await datasources.store.list()).map(({ id, name, type, scrapeIntervalSeconds }) => ({ id, name, type, scrapeIntervalSeconds })),
      }),
      queryRange: async (request, reply) => send(request, reply, await proxy.queryRange(request.params.id, request.query)),
      query: async (request, reply) => send(request, reply, await proxy.forward(request.params.id, 'query', request.query)),
      series: async (request, reply) => send(request, reply, await proxy.forward(request.params.id, 'series', request.query)),
      labels: async (request, reply) => send(request, reply, await proxy.forward(request.params.id, 'labels', request.query)),
      labelValues: async (request, reply) => {
        const { id, name } = request.params;
        return send(request, reply, await proxy.forward(id, `label/${name}/values`, request.query));
      },
    },
    { queryRange: limited, query: limited, series: limited, labels: limited, labelValues: limited },
  );
};
