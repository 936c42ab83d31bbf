import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { runbooksRoutes as routes } from '../../../shared/api/runbooks.ts';
import { actorOf } from '../core/actor.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { RunbooksFeature } from './feature.ts';
import type { Requester } from './service.ts';

function requesterOf(request: FastifyRequest): Requester {
  const principal = principalOf(request);
  return { actor: actorOf(principal, request.ip), userId: principal.userId, role: principal.role };
}

/** The runbook routes of the route table (shared/api/runbooks.ts). */
export const runbookRoutes: FastifyPluginAsync<{ feature: RunbooksFeature }> = async (app, { feature }) => {
  const { service } = feature;
  registerRoutes(app, routes, {
    list: async () => service.list(),
    get: async (request) => service.detail(request.params.id),
    plan: async (request) => service.plan(request.params.id, request.body.params ?? {}, request.body.incidentId ?? null),
    run: async (request) => service.request(request.params.id, request.body, requesterOf(request)),
    runs: async (request) => ({ runs: await service.runs(request.query) }),
    getRun: async (request) => service.run(request.params.id),
    approve: async (request) => service.approve(request.params.id, requesterOf(request), request.body?.comment ?? null),
    reject: async (request) => service.reject(request.params.id, requesterOf(request), request.body?.comment ?? null),
    cancel: async (request) => service.cancel(request.params.id, requesterOf(request), request.body?.reason ?? null),
    suggestions: async (request) => ({ suggestions: await service.suggestions(request.query.incidentId) }),
  });
};
