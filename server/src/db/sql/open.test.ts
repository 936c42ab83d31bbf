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
