import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalCache } from './local-cache.ts';

/** A cache file written by the row-per-sample version of the app (schema 3); see fixtures/README.md. */
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'cache-schema-3.db');

type Row = [seriesId: number, ts: number, value: number, score: number | null];

/** Everything but the samples, table by table, to show the migration leaves it alone. */
function otherTables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of ['series', 'sync_cursors', 'incidents', 'alerts', 'timeline_entries', 'incident_exports', 'pins', 'pin_series', 'source_ranges']) {
      out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

describe('cache migration to chunks', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-cache-migrate-'));
    file = path.join(dir, 'profile.db');
    fs.copyFileSync(FIXTURE, file);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('moves every sample and score of an old cache file into chunks on open, and nothing else changes', () => {
    const old = new Database(file, { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(3);
    const rows = old.prepare('SELECT series_id, ts, value, score FROM samples ORDER BY series_id, ts').raw().all() as Row[];
    old.close();
    expect(rows.length).toBeGreaterThan(5_000);
    // The fixture covers what the codec must carry exactly: the smallest subnormal, huge values, partial scores.
    expect(rows.some((r) => r[2] === 5e-324)).toBe(true);
    expect(rows.some((r) => r[3] !== null) && rows.some((r) => r[3] === null)).toBe(true);
    const before = otherTables(file);

    const cache = openLocalCache(file);
    try {
      expect(cache.db.pragma('user_version', { simple: true })).toBe(4);
      expect(cache.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'samples'").pluck().get()).toBe(0);
      expect(cache.metrics.sampleCount()).toBe(rows.length);
      const migrated: Row[] = [];
      for (const series of cache.metrics.listSeries()) {
        const points = cache.metrics.range(series.id, -Infinity, Infinity);
        points.ts.forEach((t, i) => migrated.push([series.id, t, points.values[i]!, points.scores[i]!]));
      }
      expect(migrated.length).toBe(rows.length);
      // Bit for bit (toEqual tells -0 from 0), and every score or its absence is kept.
      for (let i = 0; i < rows.length; i++) expect(migrated[i]).toEqual(rows[i]);
      // Pinned incidents and their metric windows read as before.
      const pin = cache.pins.get(42)!;
      expect(pin.seriesIds.length).toBe(2);
      expect(cache.metrics.range(pin.seriesIds[0]!, pin.fromTs, pin.toTs).ts.length).toBe(rows.filter((r) => r[0] === pin.seriesIds[0] && r[1] >= pin.fromTs && r[1] <= pin.toTs).length);
      expect(cache.cursors.get('metrics').cursor).toBe('4321');
      expect(cache.sources.of(42).map((s) => s.query)).toEqual(['up']);
    } finally {
      cache.close();
    }
    expect(otherTables(file)).toEqual(before);
  });

  it('opens a migrated file again without migrating twice, and writes to it as to a new one', () => {
    openLocalCache(file).close();
    const cache = openLocalCache(file);
    try {
      const count = cache.metrics.sampleCount();
      const [id] = cache.metrics.upsertSeries([{ serverId: 11, name: 'node_cpu_usage', labels: { region: 'eu', host: 'web-1' } }]);
      const last = cache.metrics.range(id!, -Infinity, Infinity).ts.at(-1)!;
      cache.db.transaction(() => cache.metrics.insertSamples([id!, id!], [last, last + 10_000], [0.25, 0.5]))();
      expect(cache.metrics.sampleCount()).toBe(count + 1);
      expect(cache.metrics.range(id!, last, Infinity).values).toEqual([0.25, 0.5]);
    } finally {
      cache.close();
    }
  });

  it('keeps the old table when the migration fails, so the next open tries again', () => {
    const db = new Database(file);
    // A row the migration cannot carry (chunks hold whole milliseconds) makes it throw half way.
    const countBefore = db.prepare('SELECT count(*) FROM samples').pluck().get() as number;
    db.prepare('INSERT INTO samples (series_id, ts, value) VALUES (3, ?, 1)').run(Date.UTC(2026, 10, 30) + 0.5);
    db.close();
    expect(() => openLocalCache(file)).toThrow();
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(3);
    expect(after.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(countBefore + 1);
    expect(after.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sample_chunks'").pluck().get()).toBe(0);
    after.close();
  });
});
