import type { FastifyPluginAsync } from 'fastify';
import type { RunbooksFeature } from './feature.ts';
import { runbookRoutes } from './routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The runbooks feature, for tests and other features. */
    runbooks: RunbooksFeature;
  }
}

/** Runbooks under /api/v1 and their background work for the life of the server. */
export const runbooksPlugin: FastifyPluginAsync<{ feature: RunbooksFeature }> = async (app, { feature }) => {
  await feature.start();
  // preClose: runs still in flight are stopped (and recorded interrupted) while the database is open.
  app.addHook('preClose', async () => feature.stop());
  await app.register(runbookRoutes, { feature });
};
