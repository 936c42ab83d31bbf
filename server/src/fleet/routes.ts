import type { FastifyPluginAsync } from 'fastify';
import { fleetRoutes as routes } from '../../../shared/api/fleet.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { FleetService } from './ports.ts';

export const fleetRoutes: FastifyPluginAsync<{ fleet: FleetService }> = async (app, { fleet }) => {
  registerRoutes(app, routes, {
    health: async (request) => fleet.health(request.query),
  });
};
