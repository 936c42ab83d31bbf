import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, type RollupColumns } from '../metrics/rollups.ts';
import { PostgresMetricsStore } from '../metrics/postgres/store.ts';
import { SqliteMetricsStorage, type MetricsStorage } from '../metrics/storage.ts';
import { MetricsStore } from '../metrics/store.ts';
import { tempDataDir } from '../testing/databases.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { copySqliteToPostgres } from './copy-to-postgres.ts';
import { databaseSettings } from './database-url.ts';
import { openDatabase } from './database.ts';
import { openSqlDatabase } from './sql/open.ts';

const unavailable = postgresUnavailable();
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

const rows = (c: RollupColumns) => Array.from({ length: c.length }, (_, i) => [c.ts[i], c.min[i], c.max[i], c.sum[i], c.count[i], c.last[i]]);

/** Every resolution of one series over [from, to), as plain rows: what a store answers. */
async function answers(store: MetricsStorage, id: number, from: number, to: number) {
  const raw = await store.readColumns(id, from, to);
  return {
    raw: Array.from({ length: raw.length }, (_, i) => [raw.ts[i], raw.values[i]]),
    minutes: rows(await store.readRollupColumns('1m', id, from, to)),
    hours: rows(await store.readRollupColumns('1h', id, from, to)),
    latest: await store.latest([id]),
  };
}

describe.skipIf(unavailable !== undefined)('smartcloudops migrate: the metrics store', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  it('answers raw samples, minutes, hours and latest values on PostgreSQL as SQLite did, after retention thinned them', async () => {
    const dir = tempDataDir('sco-migrate-metrics-');
    const file = path.join(dir, 'smartcloudops.db');
    const db = openDatabase(file);
    let now = T0;
    const sqlite = new SqliteMetricsStorage(db, new MetricsStore(db, () => now));
    // Five hours at 10 s; then retention: raw kept from 4 h on, minutes from 2 h on, hours all.
    const samples = Array.from({ length: 5 * 360 }, (_, i): [number, number] => [T0 + i * 10_000, (i * 17) % 11]);
    const {
      series: [ref],
    } = await sqlite.append([{ name: 'm', labels: { host: 'h' }, samples }]);
    await sqlite.append([{ name: 'other', labels: { host: 'h' }, samples: samples.slice(-10) }]);
    now = T0 + 4 * HOUR_MS + 2 * DAY;
    await sqlite.enforceRetention({ rawMs: 2 * DAY, minuteMs: now - (T0 + 2 * HOUR_MS + 30 * MINUTE_MS), hourMs: 400 * DAY }, now);
    const before = await answers(sqlite, ref!.id, T0, T0 + 6 * HOUR_MS);
    expect(before.raw).toHaveLength(360);
    expect(before.minutes.length).toBeGreaterThan(60);
    expect(before.hours).toHaveLength(5);
    db.close();

    const url = await postgres.createDatabase('migrate_metrics');
    await copySqliteToPostgres(file, url);
    const sql = openSqlDatabase(databaseSettings({ SMARTCLOUDOPS_DATABASE_URL: url }, dir), openDatabase(path.join(tempDataDir(), 'unused.db')));
    try {
      const migrated = new PostgresMetricsStore(sql.pool!, () => now);
      const after = await answers(migrated, ref!.id, T0, T0 + 6 * HOUR_MS);
      expect(after.raw).toEqual(before.raw);
      expect(after.minutes).toEqual(before.minutes);
      // The hour straddling the minutes' retention edge (2 h 30 min) keeps only the minutes left of it; every other hour is the same.
      const straddling = T0 + 2 * HOUR_MS;
      expect(after.hours.filter((h) => h[0] !== straddling)).toEqual(before.hours.filter((h) => h[0] !== straddling));
      expect(after.latest).toEqual(before.latest);
      expect((await migrated.series()).map((s) => s.name).sort()).toEqual(['m', 'other']);
      expect(await migrated.lastSeq()).toBe(5 * 360 + 10);
    } finally {
      await sql.close();
    }
  }, 180_000);
});
