import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { Registry } from 'prom-client';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import type { StorageHealth } from './storage.ts';
import type { DatabaseAvailability } from '../db/sql/availability.ts';
import type { DatabaseFileWatch } from '../db/database-file-watch.ts';
import { SERVER_VERSION } from './version.ts';

export interface HealthRoutesOptions {
  ctx: ServerContext;
  registry: Registry;
  /** Free space of the data folder: a full disk makes the server not-ready. */
  storage?: StorageHealth;
  /** Reachability of the configured database (PostgreSQL can be lost and come back). */
  database?: DatabaseAvailability;
  /** The SQLite file still the one the server has open (moved, deleted or replaced: not ready). */
  databaseFile?: DatabaseFileWatch;
}

const Status = Type.Object({ status: Type.String(), version: Type.String() });

/** Liveness, readiness and Prometheus metrics; unauthenticated by design (probes). */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { ctx, registry, storage, database, databaseFile }) => {
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: Status } } }, async () => ({
    status: 'ok',
    version: SERVER_VERSION,
  }));

  app.get('/ready', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: Status } } }, async (request) => {
    // Anyone may ask (probes carry no credential): the answer says why in words, never where
    // the data lives (the PostgreSQL URL, the driver's message, the data folder's path); the
    // log has those (DatabaseAvailability, StorageHealth).
    try {
      ctx.db.prepare('SELECT 1').get();
    } catch (error) {
      request.log.error({ err: error, database: ctx.sql.description }, 'readiness: the database does not answer');
      throw new AppError('E_UNAVAILABLE', 'Database unreachable.', { reason: 'database_unreachable' });
    }
    // A fresh ping, so that /ready recovers as soon as the database does.
    if (database && !(await database.check())) throw new AppError('E_UNAVAILABLE', 'Database unreachable.', { reason: 'database_unreachable' });
    const file = databaseFile?.check();
    if (file && !file.ok) throw new AppError('E_UNAVAILABLE', file.reason ?? 'Database file missing.', { reason: 'database_file_missing' });
    const space = storage?.status();
    if (space && !space.ok) throw new AppError('E_UNAVAILABLE', space.reason ?? 'Storage full.', { reason: 'storage_full' });
    return { status: 'ready', version: SERVER_VERSION };
  });

  app.get('/metrics', { config: { access: 'public' }, schema: { tags: ['health'], hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
};
