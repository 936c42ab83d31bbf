import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheSchemaError, migrateCache, openCacheDatabase } from './cache-database.ts';
import { CACHE_MIGRATIONS, type CacheMigration } from './migrations.ts';
import { openLocalCache } from './local-cache.ts';

/** A cache with a cursor, a series and some samples, its WAL folded in. */
function filledCache(file: string): Buffer {
  const cache = openLocalCache(file);
  const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu', labels: { host: 'web-1' } }]);
  cache.metrics.insertSamples(new Array(2_000).fill(id), Array.from({ length: 2_000 }, (_, i) => i * 1_000), Array.from({ length: 2_000 }, (_, i) => i));
  cache.cursors.setCursor('metrics', '2000');
  cache.db.pragma('wal_checkpoint(TRUNCATE)');
  cache.close();
  return fs.readFileSync(file);
}

describe('opening a cache file that is not what it should be', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-cache-open-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sets a damaged file aside and starts an empty cache in its place, replaying no stale log into it', () => {
    const good = filledCache(path.join(dir, 'good.db'));
    const damaged: Record<string, Buffer> = {
      'not a database': Buffer.from('these are not the bytes you are looking for\n'),
      'truncated in the header': good.subarray(0, 50),
      'truncated half way': good.subarray(0, good.length >> 1),
      'pages zeroed': Buffer.concat([good.subarray(0, 4_096), Buffer.alloc(good.length - 4_096)]),
    };
    for (const [name, bytes] of Object.entries(damaged)) {
      const file = path.join(dir, `${name.replaceAll(' ', '-')}.db`);
      fs.writeFileSync(file, bytes);
      // A stale log beside it must not be replayed into the new file.
      fs.writeFileSync(`${file}-wal`, good.subarray(0, 1_000));
      const cache = openLocalCache(file);
      expect(cache.metrics.sampleCount(), name).toBe(0);
      expect(cache.cursors.get('metrics').cursor, name).toBeNull();
      // And it works: the next sync fills it.
      const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu', labels: {} }]);
      cache.metrics.insertSamples([id!], [1_000], [1]);
      expect(cache.metrics.sampleCount()).toBe(1);
      cache.close();
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(file)}.damaged-`) && !f.endsWith('-wal') && !f.endsWith('-shm'));
      expect(aside, name).toEqual([expect.stringMatching(/\.damaged-\d+$/)]);
      // Kept for recovery: every page as it was (SQLite may bump the change counter in the header).
      const kept = fs.readFileSync(path.join(dir, aside[0]!));
      expect(kept.length, name).toBe(bytes.length);
      expect(kept.subarray(100).equals(bytes.subarray(100)), name).toBe(true);
    }
  });

  it("sets aside another program's SQLite database found in the cache's place, changing none of its bytes, and starts an empty cache", () => {
    // Valid SQLite files that are not caches (a file copied over the cache, another app's
    // database): they used to fail every open ("table series already exists", "no such
    // table") or, with a user_version above the cache's, be refused as "written by a newer
    // version of the app", advice that updating could never make true.
    const foreign: Record<string, string> = {
      'no tables of ours': 'CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\');',
      'a table named like ours': 'CREATE TABLE series (x TEXT); INSERT INTO series VALUES (\'keep me\');',
      'a user_version in our range': 'CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\'); PRAGMA user_version = 2;',
      'a user_version above ours': 'CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\'); PRAGMA user_version = 1000;',
    };
    for (const [name, sql] of Object.entries(foreign)) {
      const file = path.join(dir, `${name.replaceAll(' ', '-')}.db`);
      const other = new Database(file);
      other.exec(sql);
      other.close();
      const bytes = fs.readFileSync(file);
      const cache = openLocalCache(file);
      expect(cache.metrics.sampleCount(), name).toBe(0);
      const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu', labels: {} }]);
      cache.metrics.insertSamples([id!], [1_000], [1]);
      expect(cache.metrics.sampleCount(), name).toBe(1);
      cache.close();
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(file)}.damaged-`) && !f.endsWith('-wal') && !f.endsWith('-shm'));
      expect(aside, name).toEqual([expect.stringMatching(/\.damaged-\d+$/)]);
      // The other program's file is kept as it was, not switched to WAL nor given our tables.
      expect(fs.readFileSync(path.join(dir, aside[0]!)).equals(bytes), name).toBe(true);
      // The new file is the cache's own and opens as it is next time.
      const again = openLocalCache(file);
      expect(again.metrics.sampleCount(), name).toBe(1);
      again.close();
    }
  });

  it('takes a zero-byte file for a new cache', () => {
    const file = path.join(dir, 'empty.db');
    fs.writeFileSync(file, '');
    const cache = openLocalCache(file);
    expect(cache.metrics.sampleCount()).toBe(0);
    cache.close();
    expect(fs.readdirSync(dir).some((f) => f.includes('damaged'))).toBe(false);
  });

  it('opens a sound file as it is', () => {
    filledCache(path.join(dir, 'good.db'));
    const cache = openLocalCache(path.join(dir, 'good.db'));
    expect(cache.metrics.sampleCount()).toBe(2_000);
    expect(cache.cursors.get('metrics').cursor).toBe('2000');
    cache.close();
    expect(fs.readdirSync(dir).some((f) => f.includes('damaged'))).toBe(false);
  });

  it('refuses a file from a newer app and leaves it where it is', () => {
    const file = path.join(dir, 'newer.db');
    filledCache(file);
    const db = openCacheDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openLocalCache(file)).toThrow(CacheSchemaError);
    expect(fs.readdirSync(dir).some((f) => f.includes('damaged'))).toBe(false);
    const again = new Database(file, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(99);
    again.close();
  });

  it('opens a new file that another process migrates between its first look and its turn', () => {
    const file = path.join(dir, 'shared.db');
    // Both connections find a fresh file; the other one (a second app instance) migrates it
    // first, just as this one starts going through the migrations.
    const other = new Database(file);
    let raced = false;
    const migrations = Object.assign([...CACHE_MIGRATIONS], {
      [Symbol.iterator]: function* (this: CacheMigration[]) {
        if (!raced) {
          raced = true;
          migrateCache(other, CACHE_MIGRATIONS);
        }
        yield* Array.prototype.values.call(this) as IterableIterator<CacheMigration>;
      },
    });
    const db = openCacheDatabase(file, migrations);
    expect(raced).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...CACHE_MIGRATIONS.map((m) => m.version)));
    db.close();
    other.close();
  });
  it('a file damaged past the pages an open reads fails its reads with a clear error, and is set aside at the next open', () => {
    // A bad sector or a torn copy in the middle of the samples: the open reads the header and
    // the schema only, so it opened, and every later read of those pages failed with
    // SQLITE_CORRUPT at each start, for good (eleventh attack round).
    const file = path.join(dir, 'mid.db');
    const cache = openLocalCache(file);
    for (let s = 0; s < 40; s++) {
      const [id] = cache.metrics.upsertSeries([{ serverId: s + 1, name: 'cpu', labels: { host: `web-${s}` } }]);
      cache.metrics.insertSamples(new Array(2_000).fill(id), Array.from({ length: 2_000 }, (_, i) => i * 1_000), Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 1013));
    }
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    cache.close();
    const bytes = fs.readFileSync(file);
    const middle = (bytes.length >> 1) - ((bytes.length >> 1) % 4_096);
    bytes.fill(0x5a, middle, middle + 3 * 4_096);
    fs.writeFileSync(file, bytes);

    const damaged = openLocalCache(file);
    let failure: unknown;
    try {
      damaged.metrics.sampleCount();
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'E_INTERNAL', details: { reason: 'damaged-cache' } });
    expect((failure as Error).message).toContain('filled again');
    damaged.close();

    const reopened = openLocalCache(file);
    expect(reopened.metrics.sampleCount()).toBe(0);
    reopened.close();
    const aside = fs.readdirSync(dir).filter((f) => /^mid\.db\.damaged-\d+$/.test(f));
    expect(aside).toHaveLength(1);
    // Kept for recovery, every page as it was (SQLite may bump the change counter in the header).
    const kept = fs.readFileSync(path.join(dir, aside[0]!));
    expect(kept.length).toBe(bytes.length);
    expect(kept.subarray(100).equals(bytes.subarray(100))).toBe(true);
    expect(fs.existsSync(`${file}.damaged`)).toBe(false);
  });
});
