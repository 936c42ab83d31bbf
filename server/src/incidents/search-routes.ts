import type { FastifyPluginAsync } from 'fastify';
import { searchRoutes as routes } from '../../../shared/api/search.ts';
import { hasPermission } from '../../../shared/auth/permissions.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { AlertStore } from '../alerts/store.ts';
import type { IncidentStore } from './store.ts';

const DEFAULT_LIMIT = 10;

/** `#12` or `12`: a number an incident or alert may carry. */
export function numberIn(q: string): number | null {
  const match = /^#?(\d{1,9})$/.exec(q);
  return match ? Number(match[1]) : null;
}

/** The command palette's search over stored alerts and incidents (docs/api.md, "Search"). */
export const searchRoutes: FastifyPluginAsync<{ incidents: IncidentStore; alerts: AlertStore }> = async (app, { incidents, alerts }) => {
  registerRoutes(app, routes, {
    search: async (request) => {
      const q = request.query.q.trim();
      const limit = request.query.limit ?? DEFAULT_LIMIT;
      if (q === '') return { alerts: [], incidents: [] };
      const id = numberIn(q);
      const principal = principalOf(request);
      const canReadAlerts = hasPermission(principal.role, 'alerts:read', principal.scopes);
      return {
        alerts: canReadAlerts ? await alerts.search(q, id, limit) : [],
        incidents: await incidents.search(q, id, limit),
      };
    },
  });
};
