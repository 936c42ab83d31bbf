import type { Logger } from 'pino';
import type { ServerConfig } from './config.ts';
import type { Db } from './db/database.ts';
import type { SqlDatabase } from './db/sql/open.ts';
import type { EventBus } from './events/bus.ts';
import type { AuditLog } from './audit/store.ts';
import type { Leadership } from './db/sql/leadership.ts';

/**
 * What every feature plugin receives: the shared services, passed in rather than
 * imported, so each feature can be built and tested on its own.
 */
export interface ServerContext {
  config: ServerConfig;
  /** The data folder's SQLite file, for the stores not moved to the query layer yet. */
  db: Db;
  /** The query layer (Kysely) on the configured database: SQLite by default, or PostgreSQL. */
  sql: SqlDatabase;
  events: EventBus;
  audit: AuditLog;
  log: Logger;
  now: () => number;
  /** Whether this replica runs the cluster's scheduled work (always, on SQLite); jobs check it at each tick. */
  leadership: Leadership;
  /** This replica's name among the live replicas (work claims, `scoredBy`): one per process. */
  replicaId: string;
}
