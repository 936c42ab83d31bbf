import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { datasourcesRoutes as routes } from '../../../shared/api/datasources.ts';
import { auditActor } from '../audit/actor.ts';
import { registerRoutes, type RouteExtras } from '../http/register-route.ts';
import type { ProxyAnswer, QueryProxy } from './proxy.ts';
import { publicView } from './store.ts';
import type { DatasourceService } from './service.ts';

export interface DatasourceRoutesOptions {
  datasources: DatasourceService;
  proxy: QueryProxy;
  /** Proxy requests per user per minute. */
  queriesPerMinute: number;
}

/** Sends Prometheus's bytes unchanged; `x-cache` and `x-step` say what the proxy did. */
function send(reply: FastifyReply, answer: ProxyAnswer): FastifyReply {
  void reply.header('content-type', answer.contentType).header('x-cache', answer.cache);
  if (answer.stepSeconds !== undefined) void reply.header('x-step', String(answer.stepSeconds));
  return reply.send(answer.body);
}

/** One budget per signed-in user (or API key), whichever address they come from. */
function principalKey(request: FastifyRequest): string {
  const p = request.principal;
  return p ? `datasource-query:${p.kind}:${p.apiKeyId ?? p.userId}` : `datasource-query:ip:${request.ip}`;
}

export const datasourceRoutes: FastifyPluginAsync<DatasourceRoutesOptions> = async (app, { datasources, proxy, queriesPerMinute }) => {
  const limited: RouteExtras = { rateLimit: { max: queriesPerMinute, timeWindow: 60_000, keyGenerator: principalKey, hook: 'preHandler' } };
  registerRoutes(
    app,
    routes,
    {
      list: async () => ({ datasources: datasources.store.list().map(publicView) }),
      create: async (request) => publicView(datasources.create(request.body, auditActor(request))),
      get: async (request) => publicView(datasources.get(request.params.id)),
      update: async (request) => publicView(datasources.update(request.params.id, request.body, auditActor(request))),
      remove: async (request) => {
        datasources.remove(request.params.id, auditActor(request));
      },
      test: async (request) => datasources.test(request.params.id, auditActor(request)),
      sources: async () => ({
        datasources: datasources.store.list().map(({ id, name, type, scrapeIntervalSeconds }) => ({ id, name, type, scrapeIntervalSeconds })),
      }),
      queryRange: async (request, reply) => send(reply, await proxy.queryRange(request.params.id, request.query)),
      query: async (request, reply) => send(reply, await proxy.forward(request.params.id, 'query', request.query)),
      series: async (request, reply) => send(reply, await proxy.forward(request.params.id, 'series', request.query)),
      labels: async (request, reply) => send(reply, await proxy.forward(request.params.id, 'labels', request.query)),
      labelValues: async (request, reply) => {
        const { id, name } = request.params;
        return send(reply, await proxy.forward(id, `label/${name}/values`, request.query));
      },
    },
    { queryRange: limited, query: limited, series: limited, labels: limited, labelValues: limited },
  );
};
