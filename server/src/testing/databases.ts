import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { databaseSettings } from '../db/database-url.ts';
import { openDatabase } from '../db/database.ts';
import { migratePostgres } from '../db/sql/migrate.ts';
import { openSqlDatabase, type SqlDatabase } from '../db/sql/open.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from './postgres.ts';

/**
 * Parametrises a storage test over both databases:
 *
 *   describe.each(testDatabases())('... on $name', (database) => {
 *     const databases = useTestDatabase(database);
 *     it.skipIf(database.skip)('...', async () => { const env = await databases.fresh(); ... });
 *   });
 *
 * On PostgreSQL the describe starts one throw-away server (initdb + pg_ctl) and each
 * `fresh()` creates an empty database on it; where PostgreSQL is not installed the variant
 * is skipped and the reason printed once. SQLite's `fresh()` is `{}` (the data folder's file).
 */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** Why this database is skipped here (PostgreSQL missing), if it is. */
  skip: string | undefined;
}

let warned = false;

export function testDatabases(): TestDatabase[] {
  const skip = postgresUnavailable();
  if (skip && !warned) {
    warned = true;
    console.warn(`[postgres variants skipped] ${skip}`);
  }
  return [
    { name: 'sqlite', skip: undefined },
    { name: 'postgres', skip },
  ];
}

export interface TestDatabaseFixture {
  /** The environment selecting a new, empty database (SMARTCLOUDOPS_DATABASE_URL on PostgreSQL). */
  fresh(): Promise<Record<string, string>>;
  /** The running PostgreSQL (undefined on SQLite). */
  readonly postgres: TestPostgres | undefined;
  /**
   * Two servers' query layers on one new database, migrated, each with its own data folder
   * (on SQLite both on the first folder's file, as replicas on one volume); closed after the test.
   */
  twoLayers(prefix?: string): Promise<{ sql: [SqlDatabase, SqlDatabase]; dirs: [string, string] }>;
}

let counter = 0;

/** Call inside the describe: starts PostgreSQL before its tests and stops it after them. */
export function useTestDatabase(database: TestDatabase): TestDatabaseFixture {
  let server: TestPostgres | undefined;
  const opened: SqlDatabase[] = [];
  afterEach(async () => {
    for (const sql of opened.splice(0)) await sql.close();
  });
  if (database.name === 'postgres' && !database.skip) {
    beforeAll(async () => {
      server = await startTestPostgres();
    }, 180_000);
    afterAll(async () => {
      await server?.stop();
    }, 60_000);
  }
  const fixture: TestDatabaseFixture = {
    get postgres() {
      return server;
    },
    async fresh(): Promise<Record<string, string>> {
      if (database.name === 'sqlite') return {};
      if (!server) throw new Error('the test PostgreSQL is not running (skipped, or beforeAll failed)');
      counter += 1;
      return { SMARTCLOUDOPS_DATABASE_URL: await server.createDatabase(`t${process.pid}_${counter}`) };
    },
    async twoLayers(prefix = 'sco-layers-') {
      const env = await fixture.fresh();
      const dirs: [string, string] = [tempDataDir(`${prefix}a-`), tempDataDir(`${prefix}b-`)];
      const sqlite = openDatabase(path.join(dirs[0], 'smartcloudops.db'));
      const open = (dir: string) => {
        const sql = openSqlDatabase(databaseSettings(env, dir), sqlite);
        opened.push(sql);
        return sql;
      };
      const sql: [SqlDatabase, SqlDatabase] = [open(dirs[0]), open(dirs[1])];
      if (sql[0].dialect === 'postgres') await migratePostgres(sql[0]);
      return { sql, dirs };
    },
  };
  return fixture;
}

/** Folders `tempDataDir` made, removed together by one exit listener (one listener each tripped Node's leak warning past ten). */
const tempDirs = new Set<string>();

/** A temporary data folder, removed when the process exits. */
export function tempDataDir(prefix = 'sco-db-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (tempDirs.size === 0) {
    process.once('exit', () => {
      for (const made of tempDirs) fs.rmSync(made, { recursive: true, force: true });
    });
  }
  tempDirs.add(dir);
  return dir;
}
