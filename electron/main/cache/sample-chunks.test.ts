import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import { openLocalCache, type LocalCache } from './local-cache.ts';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000;

interface ChunkIndexRow {
  start_ts: number;
  end_ts: number;
  count: number;
}

/** A deterministic generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('samples as chunks', () => {
  let dir: string;
  let cache: LocalCache;
  let ids: number[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-chunks-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
    ids = cache.metrics.upsertSeries([0, 1, 2].map((i) => ({ serverId: i + 1, name: 'cpu', labels: { host: `web-${i}` } })));
  });
  afterEach(() => {
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const index = (seriesId: number) =>
    cache.db.prepare('SELECT start_ts, end_ts, count FROM sample_chunks WHERE series_id = ? ORDER BY start_ts').all(seriesId) as ChunkIndexRow[];

  /** Sync-style pages: every series each interval, `perPage` intervals a page. */
  function syncPages(intervals: number, perPage: number, value: (s: number, i: number) => number): void {
    for (let from = 0; from < intervals; from += perPage) {
      const seriesIds: number[] = [];
      const ts: number[] = [];
      const values: number[] = [];
      for (let i = from; i < Math.min(intervals, from + perPage); i++) {
        for (const [s, id] of ids.entries()) {
          seriesIds.push(id);
          ts.push(T0 + i * STEP);
          values.push(value(s, i));
        }
      }
      cache.db.transaction(() => cache.metrics.insertSamples(seriesIds, ts, values))();
    }
  }

  it('fills each series newest chunk page after page, one row per 120 samples', () => {
    syncPages(1_000, 37, (s, i) => Math.round((s + Math.sin(i / 40)) * 1000) / 1000);

    for (const id of ids) {
      const rows = index(id);
      expect(rows.map((r) => r.count)).toEqual([...Array.from({ length: 8 }, () => CHUNK_SAMPLES), 1_000 - 8 * CHUNK_SAMPLES]);
      // Chunks do not overlap and follow each other.
      expect(rows.every((r, i) => i === 0 || r.start_ts > rows[i - 1]!.end_ts)).toBe(true);
    }
    const points = cache.metrics.range(ids[1]!, T0, T0 + 1_000 * STEP);
    expect(points.ts).toEqual(Array.from({ length: 1_000 }, (_, i) => T0 + i * STEP));
    expect(points.values).toEqual(Array.from({ length: 1_000 }, (_, i) => Math.round((1 + Math.sin(i / 40)) * 1000) / 1000));
    expect(points.scores.every((s) => s === null)).toBe(true);
    expect(cache.metrics.sampleCount()).toBe(3_000);
  });

  it('reads a range by decoding only the chunks that hold it, bounds inclusive', () => {
    syncPages(1_000, 500, (s, i) => s * 1_000 + i);
    const from = T0 + 250 * STEP;
    const to = T0 + 260 * STEP;
    const points = cache.metrics.range(ids[2]!, from, to);
    expect(points.ts).toEqual(Array.from({ length: 11 }, (_, i) => from + i * STEP));
    expect(points.values).toEqual(Array.from({ length: 11 }, (_, i) => 2_250 + i));
    expect(cache.metrics.range(ids[2]!, T0 - 5 * STEP, T0 - 1).ts).toEqual([]);
    expect(cache.metrics.range(ids[2]!, T0 + 999 * STEP, Infinity).values).toEqual([2_999]);
    // A range between two samples is empty, not the neighbours.
    expect(cache.metrics.range(ids[2]!, T0 + 1, T0 + STEP - 1).ts).toEqual([]);
  });

  it('merges late and re-delivered samples into the chunks they land in, keeping a score only for an unchanged value', () => {
    syncPages(600, 600, (s, i) => i);
    const all = cache.metrics.range(ids[0]!, T0, Infinity);
    cache.metrics.setScores(ids[0]!, all.ts, all.ts.map((_, i) => i / 1_000));

    // A re-sent page: same values (scores stay), one changed value (its score goes), and
    // a sample between two others (no score yet).
    cache.db.transaction(() =>
      cache.metrics.insertSamples([ids[0]!, ids[0]!, ids[0]!], [T0 + 130 * STEP, T0 + 131 * STEP, T0 + 131 * STEP + 5], [130, -1, 7.5]),
    )();

    const after = cache.metrics.range(ids[0]!, T0 + 129 * STEP, T0 + 132 * STEP);
    expect(after.ts).toEqual([T0 + 129 * STEP, T0 + 130 * STEP, T0 + 131 * STEP, T0 + 131 * STEP + 5, T0 + 132 * STEP]);
    expect(after.values).toEqual([129, 130, -1, 7.5, 132]);
    expect(after.scores).toEqual([0.129, 0.13, null, null, 0.132]);
    expect(cache.metrics.sampleCount()).toBe(3 * 600 + 1);
    // The touched chunk was rewritten without leaving a chunk of one sample behind.
    expect(Math.min(...index(ids[0]!).map((r) => r.count))).toBeGreaterThanOrEqual(CHUNK_SAMPLES / 2);
  });

  it('keeps a capsule\'s scores, nulls included, and later samples of the same page win', () => {
    const ts = Array.from({ length: 300 }, (_, i) => T0 + i * STEP);
    cache.metrics.insertScoredSamples(ids[1]!, ts, ts.map((_, i) => i * 0.1), ts.map((_, i) => (i % 4 === 0 ? null : i)));
    const points = cache.metrics.range(ids[1]!, T0, Infinity);
    expect(points.values).toEqual(ts.map((_, i) => i * 0.1));
    expect(points.scores).toEqual(ts.map((_, i) => (i % 4 === 0 ? null : i)));

    cache.db.transaction(() => cache.metrics.insertSamples([ids[2]!, ids[2]!, ids[2]!], [T0 + STEP, T0, T0 + STEP], [1, 0, 2]))();
    expect(cache.metrics.range(ids[2]!, T0, Infinity)).toEqual({ ts: [T0, T0 + STEP], values: [0, 2], scores: [null, null] });
  });

  it('stores a server\'s chunks as they are after the newest full chunk, and merges the others sample by sample', () => {
    const ts = Array.from({ length: 3 * CHUNK_SAMPLES }, (_, i) => T0 + i * STEP);
    const values = ts.map((_, i) => Math.round(Math.cos(i / 9) * 1000) / 1000);
    const chunk = (from: number, to: number) => encodeChunk(ts, [values], from, to);
    cache.db.transaction(() => cache.metrics.insertChunks([ids[0]!, ids[0]!], [chunk(0, 120), chunk(120, 240)]))();
    const stored = cache.db.prepare('SELECT data FROM sample_chunks WHERE series_id = ? ORDER BY start_ts').pluck().all(ids[0]!) as Uint8Array[];
    expect(stored.map((d) => [...d])).toEqual([[...chunk(0, 120)], [...chunk(120, 240)]]);

    // Head samples make a partial newest chunk; the server's chunk over them then merges.
    cache.db.transaction(() => cache.metrics.insertSamples(ts.slice(240, 260).map(() => ids[0]!), ts.slice(240, 260), values.slice(240, 260)))();
    cache.metrics.setScores(ids[0]!, [ts[245]!], [0.9]);
    cache.db.transaction(() => cache.metrics.insertChunks([ids[0]!, ids[1]!], [chunk(240, 360), chunk(0, 50)]))();
    expect(index(ids[0]!).map((r) => r.count)).toEqual([120, 120, 120]);
    const points = cache.metrics.range(ids[0]!, -Infinity, Infinity);
    expect(points.ts).toEqual(ts);
    expect(points.values).toEqual(values);
    expect(points.scores.filter((s) => s !== null)).toEqual([0.9]);
    expect(cache.metrics.range(ids[1]!, -Infinity, Infinity).values).toEqual(values.slice(0, 50));
  });

  it('agrees with a plain map of samples over a random mix of pages, late samples, scores and eviction', () => {
    const next = random(14);
    const model = new Map<number, Map<number, { value: number; score: number | null }>>(ids.map((id) => [id, new Map()]));
    let clock = 0;
    for (let round = 0; round < 60; round++) {
      const kind = next();
      if (kind < 0.6) {
        // A sync page: mostly new samples at the end, some re-delivered or late ones.
        const seriesIds: number[] = [];
        const ts: number[] = [];
        const values: number[] = [];
        const n = 1 + Math.floor(next() * 400);
        for (let k = 0; k < n; k++) {
          const id = ids[Math.floor(next() * ids.length)]!;
          const t = next() < 0.8 ? T0 + (clock += Math.floor(next() * 3) * 1_000) : T0 + Math.floor(next() * (clock + 1));
          const value = next() < 0.5 ? Math.round(next() * 1e4) / 100 : next();
          seriesIds.push(id);
          ts.push(t);
          values.push(value);
        }
        cache.db.transaction(() => cache.metrics.insertSamples(seriesIds, ts, values))();
        // Within a page the last sample at a timestamp wins; a score survives if that value equals the cached one.
        const page = new Map<string, [number, number, number]>();
        for (let k = 0; k < n; k++) page.set(`${seriesIds[k]} ${ts[k]}`, [seriesIds[k]!, ts[k]!, values[k]!]);
        for (const [id, t, value] of page.values()) {
          const old = model.get(id)!.get(t);
          model.get(id)!.set(t, { value, score: old && old.value === value ? old.score : null });
        }
      } else if (kind < 0.8) {
        // Scores over a window, as scoreCachedSeries writes them.
        const id = ids[Math.floor(next() * ids.length)]!;
        const from = T0 + Math.floor(next() * (clock + 1));
        const window = cache.metrics.range(id, from, from + Math.floor(next() * 50_000));
        const scores = window.ts.map(() => next());
        cache.metrics.setScores(id, window.ts, scores);
        window.ts.forEach((t, i) => (model.get(id)!.get(t)!.score = scores[i]!));
      } else {
        // Eviction below a cutoff, with a pinned window on the first series.
        const cutoff = T0 + Math.floor(next() * (clock / 4));
        const pinFrom = T0 + Math.floor(next() * (clock + 1));
        const pinTo = pinFrom + 20_000;
        cache.pins.put({ incidentId: round, fromTs: pinFrom, toTs: pinTo, seriesIds: [ids[0]!], pinnedAt: T0, origin: 'server' });
        const report = cache.budget.enforce({ maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: 1 }, cutoff + 1);
        let expected = 0;
        for (const id of ids) {
          const windows = cache.pins.windowsOf(id);
          for (const t of [...model.get(id)!.keys()]) {
            if (t < cutoff && !windows.some(([a, b]) => t >= a && t <= b)) {
              model.get(id)!.delete(t);
              expected++;
            }
          }
        }
        expect(report.samplesEvicted).toBe(expected);
      }
      for (const id of ids) {
        const entries = [...model.get(id)!.entries()].sort((a, b) => a[0] - b[0]);
        expect(cache.metrics.range(id, -Infinity, Infinity)).toEqual({
          ts: entries.map(([t]) => t),
          values: entries.map(([, s]) => s.value),
          scores: entries.map(([, s]) => s.score),
        });
        const rows = index(id);
        expect(rows.every((r, i) => r.count > 0 && r.start_ts <= r.end_ts && (i === 0 || r.start_ts > rows[i - 1]!.end_ts))).toBe(true);
      }
    }
    expect(cache.metrics.sampleCount()).toBe([...model.values()].reduce((sum, m) => sum + m.size, 0));
  });
});
