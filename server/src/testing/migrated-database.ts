import path from 'node:path';
import { databaseSettings } from '../db/database-url.ts';
import { loadMigrations, openDatabase } from '../db/database.ts';
import { loadPostgresMigrations, migratePostgres } from '../db/sql/migrate.ts';
import { openSqlDatabase, type SqlDatabase } from '../db/sql/open.ts';
import { tempDataDir, type TestDatabaseFixture } from './databases.ts';

export interface MigratedDatabase {
  /** Query layers on the one database: each its own SQLite connection, or its own pool on PostgreSQL (another replica). */
  layers: SqlDatabase[];
  /** Applies the migrations after `upTo`, as the next start-up would. */
  migrate: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A fresh database migrated up to `upTo` (every migration when undefined), for tests of a
 * migration: fill it as an older server left it, then `migrate`.
 */
export async function openMigratedDatabase(fixture: TestDatabaseFixture, options: { upTo?: number; layers?: number; prefix?: string } = {}): Promise<MigratedDatabase> {
  const { upTo, layers: count = 1, prefix = 'sco-migrated-' } = options;
  const env = await fixture.fresh();
  const dir = tempDataDir(prefix);
  const file = path.join(dir, 'smartcloudops.db');
  const below = <M extends { version: number }>(all: M[]) => (upTo === undefined ? all : all.filter((m) => m.version <= upTo));
  const connections = Array.from({ length: count }, () => openDatabase(file, below(loadMigrations())));
  const layers = connections.map((sqlite) => openSqlDatabase(databaseSettings(env, dir), sqlite));
  const first = layers[0]!;
  if (first.dialect === 'postgres') await migratePostgres(first, below(loadPostgresMigrations()));
  return {
    layers,
    migrate: async () => {
      if (first.dialect === 'postgres') await migratePostgres(first);
      else openDatabase(file).close();
    },
    close: async () => {
      for (const layer of layers) await layer.close();
      for (const sqlite of connections) sqlite.close();
    },
  };
}
