import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { tempDataDir, testDatabases, useTestDatabase } from '../../testing/databases.ts';
import { databaseSettings } from '../database-url.ts';
import { openDatabase } from '../database.ts';
import { openSqlDatabase } from './open.ts';

const postgres = testDatabases().find((database) => database.name === 'postgres')!;

describe('the PostgreSQL query layer', () => {
  const databases = useTestDatabase(postgres);

  it.skipIf(postgres.skip)('survives its connection dying in the middle of a transaction: that transaction fails, the next query works', async () => {
    const env = await databases.fresh();
    const dir = tempDataDir('sco-open-');
    const layer = openSqlDatabase(databaseSettings(env, dir), openDatabase(path.join(dir, 'smartcloudops.db')));
    try {
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      try {
        const killer = new pg.Client({ connectionString: env.SMARTCLOUDOPS_DATABASE_URL });
        await killer.connect();
        try {
          const transaction = layer.db.transaction().execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
            // The connection is checked out and idle in the transaction when the server ends it.
            await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
            await sql`SELECT 1`.execute(trx);
          });
          await expect(transaction).rejects.toThrow();
        } finally {
          await killer.end();
        }
        expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(layer.db)).rows).toEqual([{ one: 1 }]);
      } finally {
        process.off('uncaughtException', onUncaught);
      }
      expect(uncaught).toEqual([]);
    } finally {
      await layer.close();
    }
  });
});

/**
 * A full disk in the middle of a transaction on SQLite: SQLite rolls the whole transaction
 * back by itself (SQLITE_FULL), and Kysely's own ROLLBACK then failed with "cannot rollback -
 * no transaction is active", an error that replaced the real one: a write refused for lack of
 * space answered 500 "Internal error." instead of 507 E_STORAGE_FULL (docs/server.md).
 * `max_page_count` plays the full disk.
 */
describe('the SQLite query layer on a full disk', () => {
  it('a transaction that hits it fails with SQLITE_FULL, and the next write works once there is room', async () => {
    const dir = tempDataDir('sco-open-full-');
    const sqlite = openDatabase(path.join(dir, 'smartcloudops.db'));
    const layer = openSqlDatabase(databaseSettings({}, dir), sqlite);
    try {
      sqlite.exec('CREATE TABLE filler (pad TEXT)');
      const pages = Number(sqlite.pragma('page_count', { simple: true }));
      sqlite.pragma(`max_page_count = ${pages + 2}`);
      const transaction = layer.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) await sql`INSERT INTO filler (pad) VALUES (${'x'.repeat(4000)})`.execute(trx);
      });
      await expect(transaction).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      expect(sqlite.inTransaction).toBe(false);
      expect(sqlite.prepare('SELECT COUNT(*) AS n FROM filler').get()).toEqual({ n: 0 });
      sqlite.pragma(`max_page_count = ${pages + 100}`);
      await layer.db.transaction().execute(async (trx) => sql`INSERT INTO filler (pad) VALUES ('room again')`.execute(trx));
      expect(sqlite.prepare('SELECT COUNT(*) AS n FROM filler').get()).toEqual({ n: 1 });
    } finally {
      await layer.close();
      sqlite.close();
    }
  });
});
