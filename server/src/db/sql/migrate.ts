import { loadMigrations, SchemaVersionError, type Migration } from '../database.ts';
import type { SqlDatabase } from './open.ts';
import { serverFile } from '../../server-files.ts';
import { firstUnknownMigration, type RecordedMigration } from '../unknown-migrations.ts';

const POSTGRES_MIGRATIONS_DIR = serverFile(import.meta.url, '../migrations-postgres', 'migrations-postgres');

/** `server/src/db/migrations-postgres/NNN_name.sql`: the PostgreSQL migrations, numbered like their SQLite twins. */
export function loadPostgresMigrations(): Migration[] {
  return loadMigrations(POSTGRES_MIGRATIONS_DIR);
}

/** The advisory lock key every replica takes to migrate (any fixed 64-bit number; this one spells "SCOmigr"). */
export const MIGRATION_LOCK_KEY = 0x53434f6d69677200n;

export interface MigrationOutcome {
  /** Versions this call applied (empty when another replica, or an earlier start, did). */
  applied: number[];
}

/**
 * Brings the PostgreSQL schema up to date. Replicas starting together all call this: each
 * takes the same session advisory lock on one dedicated connection, so one migrates while
 * the others wait, then find nothing left to do. Each migration and its record commit in
 * one transaction, so a replica dying half-way leaves a consistent, resumable state. (The
 * SQLite file is migrated by `openDatabase`, which the single process owns.)
 */
export async function migratePostgres(database: SqlDatabase, migrations: Migration[] = loadPostgresMigrations()): Promise<MigrationOutcome> {
  if (database.dialect !== 'postgres' || !database.pool) throw new Error('migratePostgres needs a PostgreSQL database');
  const client = await database.pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const recorded = (await client.query<RecordedMigration>('SELECT version, name FROM schema_migrations')).rows;
      const done = new Set(recorded.map((row) => row.version));
      const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
      const newest = Math.max(0, ...done);
      // A database written by a newer server, or by another build: refuse before touching it, as on SQLite.
      if (newest > latest) throw new SchemaVersionError(newest, latest);
      const unknown = firstUnknownMigration(recorded, migrations);
      if (unknown) throw SchemaVersionError.unknownMigration(unknown, latest);
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${String(migration.version).padStart(3, '0')}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    client.release();
  }
  return { applied };
}

/** The versions recorded as applied, in order (for tests and `smartcloudops migrate`). */
export async function appliedVersions(database: SqlDatabase): Promise<number[]> {
  const rows = await database.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
  return rows.map((row) => row.version);
}
