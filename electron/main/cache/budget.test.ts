import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalCache, type LocalCache } from './local-cache.ts';
import { usedBytes } from './cache-database.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describe('cache budget', () => {
  let dir: string;
  let cache: LocalCache;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-cache-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
  });
  afterEach(() => {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** 4 series x 48 h at 10 s. */
  function seed(): number[] {
    const ids = cache.metrics.upsertSeries([0, 1, 2, 3].map((i) => ({ serverId: i + 1, name: 'cpu', labels: { host: `web-${i}` } })));
    cache.db.transaction(() => {
      for (const id of ids) {
        const ts = Array.from({ length: (48 * HOUR) / 10_000 }, (_, i) => T0 + i * 10_000);
        cache.metrics.insertSamples(ts.map(() => id), ts, ts.map((_, i) => Math.sin(i)));
      }
    })();
    return ids;
  }

  it('re-delivered samples overwrite instead of duplicating', () => {
    const [id] = cache.metrics.upsertSeries([{ serverId: 7, name: 'cpu', labels: { b: '2', a: '1' } }]);
    cache.metrics.insertSamples([id!, id!], [T0, T0 + 10_000], [1, 2]);
    cache.metrics.insertSamples([id!], [T0], [1]);
    expect(cache.metrics.upsertSeries([{ serverId: 7, name: 'cpu', labels: { a: '1', b: '2' } }])).toEqual([id]);
    expect(cache.metrics.sampleCount()).toBe(2);
  });

  it('drops unpinned samples past the age limit and keeps the pinned window', () => {
    const ids = seed();
    const pinFrom = T0 + 2 * HOUR;
    const pinTo = T0 + 3 * HOUR;
    cache.pins.put({ incidentId: 1, fromTs: pinFrom, toTs: pinTo, seriesIds: [ids[0]!], pinnedAt: T0, origin: 'server' });
    const pinnedBefore = cache.metrics.range(ids[0]!, pinFrom, pinTo);

    const report = cache.budget.enforce({ maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: 24 * HOUR }, T0 + 48 * HOUR);

    expect(report.samplesEvicted).toBeGreaterThan(0);
    expect(cache.metrics.range(ids[0]!, pinFrom, pinTo)).toEqual(pinnedBefore);
    expect(cache.metrics.range(ids[1]!, T0, T0 + 24 * HOUR - 1).ts).toEqual([]);
    expect(cache.metrics.range(ids[0]!, T0, pinFrom - 1).ts).toEqual([]);
    expect(cache.metrics.range(ids[2]!, T0 + 24 * HOUR, T0 + 48 * HOUR).ts.length).toBe((24 * HOUR) / 10_000);
  });

  it('shrinks to the size budget oldest first and never touches pinned samples', () => {
    const ids = seed();
    const pinFrom = T0 + HOUR;
    const pinTo = T0 + 4 * HOUR;
    cache.pins.put({ incidentId: 9, fromTs: pinFrom, toTs: pinTo, seriesIds: ids, pinnedAt: T0, origin: 'server' });
    const pinned = ids.map((id) => cache.metrics.range(id, pinFrom, pinTo));
    const full = usedBytes(cache.db);

    const report = cache.budget.enforce({ maxBytes: Math.floor(full / 3), maxAgeMs: Number.MAX_SAFE_INTEGER }, T0 + 48 * HOUR);

    expect(report.bytesAfter).toBeLessThanOrEqual(Math.floor(full / 3));
    expect(report.pinnedOverBudget).toBe(false);
    expect(ids.map((id) => cache.metrics.range(id, pinFrom, pinTo))).toEqual(pinned);
    // Oldest first: what is left outside the pin is the newest data, without holes.
    for (const id of ids) {
      const rest = cache.metrics.range(id, pinTo + 1, T0 + 48 * HOUR);
      expect(rest.ts.at(-1)).toBe(T0 + 48 * HOUR - 10_000);
      expect(rest.ts.every((t, i) => i === 0 || t - rest.ts[i - 1]! === 10_000)).toBe(true);
    }
  });

  it('crosses a long pinned stretch to reach the unpinned samples after it', () => {
    const ids = seed();
    cache.pins.put({ incidentId: 3, fromTs: T0, toTs: T0 + 47 * HOUR - 1, seriesIds: ids, pinnedAt: T0, origin: 'server' });
    const pinned = cache.metrics.sampleCount() - ids.length * (HOUR / 10_000);
    const report = cache.budget.enforce({ maxBytes: Math.floor(usedBytes(cache.db) * 0.95), maxAgeMs: Number.MAX_SAFE_INTEGER }, T0 + 48 * HOUR);
    expect(report.pinnedOverBudget).toBe(true);
    expect(cache.metrics.sampleCount()).toBe(pinned);
  });

  it('says so when pinned data alone exceeds the budget', () => {
    const ids = seed();
    cache.pins.put({ incidentId: 2, fromTs: T0, toTs: T0 + 48 * HOUR, seriesIds: ids, pinnedAt: T0, origin: 'capsule' });
    const before = cache.metrics.sampleCount();
    const report = cache.budget.enforce({ maxBytes: 4096, maxAgeMs: HOUR }, T0 + 48 * HOUR);
    expect(report.pinnedOverBudget).toBe(true);
    expect(cache.metrics.sampleCount()).toBe(before);
  });

  // A hostile (or storming) server's documents: the size budget evicted samples only, so
  // alerts and incidents filled the disk past it, and the age limit went by the server's
  // `updatedAt`, so one dated 275760 stayed for ever.
  it("keeps a server's alerts and incidents within the budget too, oldest fetched first, a pinned incident's kept", () => {
    const doc = (id: number, incidentId: number | null) => ({ id, incidentId, startsAt: T0, updatedAt: 8.64e15, labels: {}, annotations: { description: 'x'.repeat(20_000) } });
    cache.db.transaction(() => {
      for (let i = 1; i <= 200; i++) cache.incidents.putAlert(doc(i, i <= 5 ? 7 : null) as never, T0 + i * 1000);
      cache.incidents.putIncident({ id: 7, openedAt: T0, updatedAt: 8.64e15, title: 'kept' } as never, T0);
      cache.incidents.putIncident({ id: 8, openedAt: T0, updatedAt: 8.64e15, title: 'browsed' } as never, T0);
    })();
    cache.pins.put({ incidentId: 7, fromTs: T0, toTs: T0 + HOUR, seriesIds: [], pinnedAt: T0, origin: 'server' });
    expect(usedBytes(cache.db)).toBeGreaterThan(4_000_000);

    const report = cache.budget.enforce({ maxBytes: 1_000_000, maxAgeMs: 30 * 24 * HOUR }, T0 + HOUR);
    expect(report.bytesAfter).toBeLessThanOrEqual(1_000_000);
    const left = (cache.db.prepare('SELECT id FROM alerts ORDER BY id').pluck().all() as number[]);
    expect(left.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(left.length).toBeLessThan(60);
    expect(left.at(-1)).toBe(200);

    // Past the age limit by when they were fetched, whatever date the server gave them.
    cache.budget.enforce({ maxBytes: 1_000_000_000, maxAgeMs: HOUR }, T0 + 30 * 24 * HOUR);
    expect(cache.db.prepare('SELECT id FROM alerts ORDER BY id').pluck().all()).toEqual([1, 2, 3, 4, 5]);
    expect(cache.db.prepare('SELECT id FROM incidents').pluck().all()).toEqual([7]);
  });
});
