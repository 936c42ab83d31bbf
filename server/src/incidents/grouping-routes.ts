import type { FastifyPluginAsync } from 'fastify';
import { incidentGroupingRoutes as routes } from '../../../shared/api/incident-grouping.ts';
import { actorOf } from '../core/actor.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { GroupingSettings } from './grouping-settings.ts';

/** Incident grouping as an admin sets it from the console (docs/alerts.md, "Incidents"). */
export const groupingRoutes: FastifyPluginAsync<{ settings: GroupingSettings }> = async (app, { settings }) => {
  registerRoutes(app, routes, {
    get: async () => settings.view(),
    replace: async (request) => settings.replace(request.body, actorOf(principalOf(request), request.ip)),
  });
};
