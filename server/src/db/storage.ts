import path from 'node:path';
import { openDatabase, type Db } from './database.ts';
import { databaseSettings, SQLITE_FILE_NAME, type DatabaseSettings } from './database-url.ts';
import { migratePostgres } from './sql/migrate.ts';
import { openSqlDatabase, type SqlDatabase } from './sql/open.ts';
import { isDatabaseUnreachable } from './sql/availability.ts';
import { SetupError } from '../setup-error.ts';

/** SQLSTATEs of a PostgreSQL that answers but will not let this server in: bad password, no such role or database. */
const REFUSED_LOGIN = new Set(['28P01', '28000', '3D000']);

/** PostgreSQL cannot be reached or refuses the login at start-up: one line naming it (password masked), not a driver stack trace. */
export class DatabaseUnreachableError extends SetupError {
  constructor(redactedUrl: string, cause: unknown) {
    super(
      `Cannot reach the database ${redactedUrl} (${(cause as Error).message}). Check that PostgreSQL is running and that SMARTCLOUDOPS_DATABASE_URL names its host, port, database, user and password; ` +
        'a server under a supervisor that restarts it (compose, systemd, Kubernetes) comes up by itself once the database answers.',
      { cause },
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * The server's storage during the move to the shared query layer: the SQLite file in the
 * data folder (always; the stores not moved yet use it synchronously) and the query layer
 * over the database SMARTCLOUDOPS_DATABASE_URL names, which is that same SQLite file when
 * the variable is unset. See docs/architecture.md, "Storage: two layers during the move".
 */
export interface Storage {
  settings: DatabaseSettings;
  /** The data folder's SQLite file, for the synchronous stores. */
  sqlite: Db;
  /** The shared query layer (Kysely) on the configured database. */
  sql: SqlDatabase;
}

/** `wrap` decorates the SQLite connection before anything uses it (tracing: a span per statement, on both layers). */
export async function openStorage(env: Record<string, string | undefined>, dataDir: string, wrap: (db: Db) => Db = (db) => db): Promise<Storage> {
  const settings = databaseSettings(env, dataDir);
  const sqlite = wrap(openDatabase(path.join(path.resolve(dataDir), SQLITE_FILE_NAME)));
  const sql = openSqlDatabase(settings, sqlite);
  try {
    if (sql.dialect === 'postgres') await migratePostgres(sql);
  } catch (error) {
    await sql.close();
    sqlite.close();
    const code = (error as { code?: unknown }).code;
    if (settings.dialect === 'postgres' && (isDatabaseUnreachable(error) || (typeof code === 'string' && REFUSED_LOGIN.has(code)))) throw new DatabaseUnreachableError(settings.redacted, error);
    throw error;
  }
  return { settings, sqlite, sql };
}
