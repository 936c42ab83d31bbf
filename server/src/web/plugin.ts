import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AppError } from '../../../shared/errors.ts';

export interface WebConsoleOptions {
  /** Folder of the built web console (`out/web`): index.html and hashed assets/. */
  webRoot: string;
}

/** Vite names every asset after its content hash, so a year-long cache is safe. */
const HASHED_ASSET = /[\\/]assets[\\/]/;

/**
 * Serves the web console at `/`. Files are routed one by one (so API and health routes keep
 * priority), and any other GET outside /api answers index.html: the console routes in the
 * URL hash, but a bookmarked or reloaded path must still land on the app, not on a 404.
 */
export const webConsole: FastifyPluginAsync<WebConsoleOptions> = async (app, { webRoot }) => {
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    app.log.warn({ webRoot }, 'web console not built: no index.html in SMARTCLOUDOPS_WEB_ROOT');
    return;
  }
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(reply, filePath) {
      void reply.header('cache-control', HASHED_ASSET.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/api/')) throw new AppError('E_NOT_FOUND', `No route GET ${request.url.split('?')[0]}`);
    return reply.sendFile('index.html');
  });
};
