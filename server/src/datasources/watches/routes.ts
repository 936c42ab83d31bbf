import type { FastifyPluginAsync } from 'fastify';
import { anomalyWatchRoutes as routes } from '../../../../shared/api/anomaly-watches.ts';
import { auditActor } from '../../audit/actor.ts';
import { registerRoutes } from '../../http/register-route.ts';
import type { WatchService } from './service.ts';

export const watchRoutes: FastifyPluginAsync<{ watches: WatchService }> = async (app, { watches }) => {
  registerRoutes(app, routes, {
    list: async () => ({ watches: await watches.list() }),
    // The creator (an API key's owner) is kept: the watch's alerts propose runbook runs as them.
    create: async (request) => watches.create(request.body, auditActor(request), request.principal?.userId ?? null),
    get: async (request) => watches.get(request.params.id),
    remove: async (request) => {
      await watches.remove(request.params.id, auditActor(request));
    },
    scores: async (request) => watches.scores(request.params.id, request.query),
  });
};
