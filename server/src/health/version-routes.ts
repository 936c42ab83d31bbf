import type { FastifyPluginAsync } from 'fastify';
import { serverInfoRoutes } from '../../../shared/api/server-info.ts';
import { registerRoutes } from '../http/register-route.ts';
import { SERVER_VERSION } from './version.ts';

/** GET /api/v1/version: what the console shows as the server's version. */
export const versionRoutes: FastifyPluginAsync = async (app) => {
  registerRoutes(app, serverInfoRoutes, {
    version: () => ({ name: 'smartcloudops-server', version: SERVER_VERSION, node: process.versions.node }),
  });
};
