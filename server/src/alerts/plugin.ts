import type { FastifyPluginAsync } from 'fastify';
import { incidentRoutes } from '../incidents/routes.ts';
import { webhookRoutes } from '../notifications/routes.ts';
import type { AlertsFeature } from './feature.ts';
import { alertRoutes } from './routes.ts';
import { ruleRoutes } from './rules/routes.ts';
import { alertmanagerRoutes } from './sources/alertmanager-routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The alerts and incidents feature, for other features (ChatOps, remediation) and tests. */
    alerts: AlertsFeature;
  }
}

/**
 * Alerts, silences, rules, webhooks, the Alertmanager receiver and incidents under /api/v1.
 * The feature is built by the server (so other features can reach it); this plugin runs
 * its background work for the life of the server.
 */
export const alertsPlugin: FastifyPluginAsync<{ feature: AlertsFeature }> = async (app, { feature }) => {
  feature.start();
  app.addHook('onClose', async () => feature.stop());
  await app.register(alertRoutes, { feature });
  await app.register(ruleRoutes, { feature });
  await app.register(webhookRoutes, { feature });
  await app.register(alertmanagerRoutes, { feature });
  await app.register(incidentRoutes, { feature });
};
