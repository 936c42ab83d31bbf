import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { eventually } from '../testing/eventually.ts';
import { SharedEventLog } from './shared-event-log.ts';

const postgres = testDatabases().find((database) => database.name === 'postgres')!;

/**
 * The stream's LISTEN connection ended by PostgreSQL (pg_terminate_backend, a failover):
 * the log listens again on a new connection. A lost connection reports its end twice (the
 * server's FATAL, then the socket's end); each started another LISTEN, and the connection
 * of the one overwritten was never given back: the pool's shutdown then waited for it for
 * ever, and the server's with it (SIGTERM hung).
 */
describe('the shared stream log when PostgreSQL ends its LISTEN connection', () => {
  const databases = useTestDatabase(postgres);

  it.skipIf(postgres.skip)('listens again on one connection, and gives every connection back when closed', async () => {
    const { sql } = await databases.twoLayers('sco-relisten-');
    const pool = sql[0].pool!;
    const log = new SharedEventLog(sql[0], { pollMs: 60_000 });
    await log.open();
    const killer = new pg.Client({ connectionString: (pool.options as { connectionString: string }).connectionString });
    await killer.connect();
    const listeners = async () => (await killer.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`)).rows.map((row) => row.pid);
    try {
      for (let round = 0; round < 3; round++) {
        const [pid] = await eventually(listeners, (pids) => pids.length === 1);
        await killer.query('SELECT pg_terminate_backend($1)', [pid]);
        await eventually(listeners, (pids) => pids.length >= 1 && !pids.includes(pid!));
      }
      // Ended between its checkout and its LISTEN: the LISTEN fails, and that connection
      // (and any second LISTEN the failure starts) must still go back to the pool.
      const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
      let ended = 0;
      (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
        const client = await connect();
        if (ended++ === 0) {
          const gone = new Promise((resolve) => client.once('end', resolve));
          await killer.query('SELECT pg_terminate_backend($1)', [(client as unknown as { processID: number }).processID]);
          await gone;
        }
        return client;
      };
      const [pid] = await eventually(listeners, (pids) => pids.length === 1);
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(listeners, (pids) => pids.length >= 1 && !pids.includes(pid!));
      expect(ended).toBeGreaterThanOrEqual(2);
      // A second LISTEN started by a second report of one loss would show here.
      await eventually(() => pool.totalCount - pool.idleCount, (n) => n === 1);
      expect((await listeners()).length).toBe(1);
    } finally {
      await killer.end();
    }
    await log.close();
    // Nothing checked out any more: the pool's end (the server's shutdown) does not wait.
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });
});
