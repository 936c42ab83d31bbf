import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../db/storage.ts';
import { tempDataDir, testDatabases, useTestDatabase } from '../testing/databases.ts';
import { QueryBudget } from './query-budget.ts';

const MINUTE = 60_000;

/**
 * The proxy's per-user query budget: decided in memory, shared by replicas through the
 * database. Two budgets over one real database stand for two replicas; the clock is a
 * variable, so windows end when the test says.
 */
describe.each(testDatabases())('data source query budget ($name)', (database) => {
  const databases = useTestDatabase(database);
  const storages: Storage[] = [];
  const budgets: QueryBudget[] = [];
  let clock = 10 * MINUTE + 5_000;

  afterEach(async () => {
    for (const budget of budgets.splice(0)) await budget.close();
    for (const storage of storages.splice(0)) {
      await storage.sql.close();
      storage.sqlite.close();
    }
  });

  async function replicas(max: number): Promise<[QueryBudget, QueryBudget, Storage]> {
    const env = await databases.fresh();
    const dir = tempDataDir('sco-budget-');
    const storage = await openStorage(env, dir);
    storages.push(storage);
    // On SQLite both replicas share the data folder's file; on PostgreSQL one database.
    const other = database.name === 'sqlite' ? storage : await openStorage(env, tempDataDir('sco-budget-'));
    if (other !== storage) storages.push(other);
    const make = (s: Storage) => new QueryBudget({ max, windowMs: MINUTE, sql: s.sql, now: () => clock, syncIntervalMs: 60_000 });
    const pair: [QueryBudget, QueryBudget] = [make(storage), make(other)];
    budgets.push(...pair);
    return [...pair, storage];
  }

  it.skipIf(database.skip)('gives each principal its own budget per window, and a new one when the window ends', async () => {
    clock = 10 * MINUTE + 5_000;
    const [budget] = await replicas(3);
    expect([1, 2, 3].map(() => budget.take('user:1').allowed)).toEqual([true, true, true]);
    const refused = budget.take('user:1');
    expect(refused).toEqual({ allowed: false, remaining: 0, resetMs: 55_000 });
    expect(budget.take('user:2')).toMatchObject({ allowed: true, remaining: 2 });
    clock += 55_000;
    expect(budget.take('user:1')).toMatchObject({ allowed: true, remaining: 2, resetMs: MINUTE });
  });

  it.skipIf(database.skip)('shares the count between replicas through the database', async () => {
    clock = 20 * MINUTE;
    const [a, b, storage] = await replicas(10);
    for (let i = 0; i < 6; i++) expect(a.take('user:7').allowed).toBe(true);
    await a.flush();
    const row = await storage.sql.db.selectFrom('rate_limit_counters').selectAll().where('key', '=', `datasource-query:user:7@${20 * MINUTE}`).executeTakeFirst();
    expect(row).toMatchObject({ hits: 6, window_start: 20 * MINUTE });

    // B learns A's six with its own first sync, and from then on refuses past the total.
    expect(b.take('user:7').allowed).toBe(true);
    await b.flush();
    const admitted = Array.from({ length: 6 }, () => b.take('user:7').allowed);
    expect(admitted).toEqual([true, true, true, false, false, false]);
    await b.flush();
    await a.flush();
    // A, told the total by its next sync, refuses too.
    expect(a.take('user:7')).toMatchObject({ allowed: true });
    await a.flush();
    expect(a.take('user:7').allowed).toBe(false);
    const total = await storage.sql.db.selectFrom('rate_limit_counters').select('hits').where('key', '=', `datasource-query:user:7@${20 * MINUTE}`).executeTakeFirstOrThrow();
    expect(Number(total.hits)).toBe(11);
  });

  it.skipIf(database.skip)('syncs by itself once a replica holds a tenth of the budget, and sweeps ended windows', async () => {
    clock = 30 * MINUTE;
    const [a, , storage] = await replicas(20);
    const key = `datasource-query:user:9@${30 * MINUTE}`;
    const hits = async () => Number((await storage.sql.db.selectFrom('rate_limit_counters').select('hits').where('key', '=', key).executeTakeFirst())?.hits ?? 0);
    a.take('user:9');
    a.take('user:9');
    await expect.poll(hits, { timeout: 10_000 }).toBe(2);
    clock += 2 * MINUTE;
    a.take('user:9');
    a.take('user:9');
    await a.flush();
    expect(await hits()).toBe(0);
  });
});
