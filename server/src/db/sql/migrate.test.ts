import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.ts';
import { parsePostgresUrl } from '../database-url.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { tempDataDir } from '../../testing/databases.ts';
import { openStorage } from '../storage.ts';
import { appliedVersions, loadPostgresMigrations, migratePostgres } from './migrate.ts';
import { openSqlDatabase } from './open.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres tests skipped] ${unavailable}`);

describe('the query layer on SQLite (the default)', () => {
  it('shares the data folder file with the synchronous stores', async () => {
    const dataDir = tempDataDir();
    const storage = await openStorage({}, dataDir);
    try {
      expect(storage.sql.dialect).toBe('sqlite');
      storage.sqlite.prepare("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('k1', 's', 1)").run();
      expect(await storage.sql.db.selectFrom('signing_keys').select(['kid', 'created_at']).execute()).toEqual([{ kid: 'k1', created_at: 1 }]);
      await storage.sql.ping();
    } finally {
      await storage.sql.close();
      // Closing the query layer leaves the shared connection to its owner.
      expect(storage.sqlite.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      storage.sqlite.close();
    }
  });

  it('has every table of the PostgreSQL migrations in the SQLite migrations too', () => {
    const sqlite = openDatabase(`${tempDataDir()}/x.db`);
    const tables = new Set((sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
    const created = loadPostgresMigrations().flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (\w+)/g)].map((match) => match[1]!));
    expect(created.length).toBeGreaterThan(4);
    // PostgreSQL-only: each series' newest sample, which the SQLite store keeps in memory (one
    // process); where each replica's anomaly targets and backlog stand, for the other replicas.
    const postgresOnly = new Set(['metric_latest', 'anomaly_target_progress', 'anomaly_replica_backlog']);
    for (const table of created.filter((t) => !postgresOnly.has(t))) expect(tables.has(table), table).toBe(true);
    sqlite.close();
  });
});

describe.skipIf(unavailable !== undefined)('PostgreSQL migrations under an advisory lock', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('two replicas starting together on one database migrate it once', async () => {
    const url = await server.createDatabase('concurrent_start');
    const env = { SMARTCLOUDOPS_DATABASE_URL: url };
    const layers = [openSqlDatabase(parsePostgresUrl(url), openDatabase(`${tempDataDir()}/a.db`)), openSqlDatabase(parsePostgresUrl(url), openDatabase(`${tempDataDir()}/b.db`))];
    try {
      // Without the lock the loser would fail on CREATE TABLE of an existing table.
      const outcomes = await Promise.all(layers.map((layer) => migratePostgres(layer)));
      const all = loadPostgresMigrations().map((m) => m.version);
      expect([...outcomes[0]!.applied, ...outcomes[1]!.applied].sort((a, b) => a - b)).toEqual(all);
      expect(outcomes.some((outcome) => outcome.applied.length === 0)).toBe(true);
      expect(await appliedVersions(layers[0]!)).toEqual(all);
      // A third start (a restart) finds nothing to do; so does a full openStorage.
      expect((await migratePostgres(layers[1]!)).applied).toEqual([]);
      const storage = await openStorage(env, tempDataDir());
      expect(storage.sql.dialect).toBe('postgres');
      await storage.sql.close();
      storage.sqlite.close();
      const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM schema_migrations`.execute(layers[0]!.db);
      expect(rows.rows[0]!.n).toBe(all.length);
    } finally {
      for (const layer of layers) await layer.close();
    }
  }, 120_000);

  it('refuses a database migrated by a newer server', async () => {
    const url = await server.createDatabase('newer_schema');
    const layer = openSqlDatabase(parsePostgresUrl(url), openDatabase(`${tempDataDir()}/c.db`));
    try {
      await migratePostgres(layer);
      await layer.db.insertInto('schema_migrations').values({ version: 999, name: 'future', applied_at: 1 }).execute();
      await expect(migratePostgres(layer)).rejects.toThrow(/schema version 999 is newer/);
    } finally {
      await layer.close();
    }
  }, 60_000);

  it('refuses a database recording a migration this server does not know, below its newest', async () => {
    const url = await server.createDatabase('unknown_migration');
    const layer = openSqlDatabase(parsePostgresUrl(url), openDatabase(`${tempDataDir()}/e.db`));
    try {
      await migratePostgres(layer);
      await layer.db.insertInto('schema_migrations').values({ version: 9, name: 'other_build', applied_at: 1 }).execute();
      await expect(migratePostgres(layer)).rejects.toThrow(/migration 009_other_build, which this server does not know/);
    } finally {
      await layer.close();
    }
  }, 60_000);

  it('reports a database it cannot reach when pinged', async () => {
    const settings = parsePostgresUrl(server.url.replace(/:\d+\//, ':1/'));
    const layer = openSqlDatabase(settings, openDatabase(`${tempDataDir()}/d.db`));
    await expect(layer.ping()).rejects.toThrow();
    await layer.close();
  }, 60_000);
});
