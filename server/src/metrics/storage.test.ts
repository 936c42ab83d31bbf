import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, decodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import type { Columns } from './chunk-table.ts';
import { PostgresMetricsStore } from './postgres/store.ts';
import { HOUR_MS, MINUTE_MS, type RollupColumns } from './rollups.ts';
import { SqliteMetricsStorage, type MetricsStorage } from './storage.ts';
import { MetricsStore } from './store.ts';
import { openTempDb } from './test-db.ts';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function pairs(c: Columns): [number, number][] {
  return Array.from({ length: c.length }, (_, i) => [c.ts[i]!, c.values[i]!]);
}

function buckets(c: RollupColumns): number[][] {
  return Array.from({ length: c.length }, (_, i) => [c.ts[i]!, c.min[i]!, c.max[i]!, c.sum[i]!, c.count[i]!, c.last[i]!]);
}

/** Samples every STEP from `from`, value i for the i-th. */
function series(from: number, n: number, value = (i: number) => i): [number, number][] {
  return Array.from({ length: n }, (_, i) => [from + i * STEP, value(i)]);
}

/**
 * The embedded metrics store's contract, run against SQLite's store and PostgreSQL's: the
 * same writes give the same reads, rollups, scores, export and retention on both.
 */
describe.each(testDatabases())('metrics storage on $name', (database) => {
  const databases = useTestDatabase(database);

  async function open(): Promise<{ stores: MetricsStorage[]; now: { t: number }; sql?: SqlDatabase }> {
    const now = { t: T0 };
    if (database.name === 'sqlite') {
      const temp = openTempDb();
      cleanups.push(temp.cleanup);
      return { stores: [new SqliteMetricsStorage(temp.db, new MetricsStore(temp.db, () => now.t))], now };
    }
    const { sql } = await databases.twoLayers('sco-metrics-pg-');
    return { stores: sql.map((layer) => new PostgresMetricsStore(layer.pool!, () => now.t)), now, sql: sql[0] };
  }

  it.skipIf(database.skip)('round-trips samples; one series per name and label set; late and repeated samples land in order', async () => {
    const { stores } = await open();
    const store = stores[0]!;
    const { series: [a, b, c] } = await store.append([
      { name: 'node_load1', labels: { host: 'web-1', zone: 'eu' }, samples: series(T0, 300) },
      { name: 'node_load1', labels: { zone: 'eu', host: 'web-1' }, samples: [[T0 + 300 * STEP, 300]] },
      { name: 'node_load1', labels: { host: 'web-2' }, samples: [[T0, 9]] },
    ]);
    expect(a!.id).toBe(b!.id);
    expect(c!.id).not.toBe(a!.id);
    expect(pairs(await store.readColumns(a!.id, T0, T0 + 301 * STEP))).toEqual(series(T0, 301));
    // A late sample inside a sealed chunk and a repeat of a head sample replace what was there.
    await store.append([{ name: 'node_load1', labels: { host: 'web-1', zone: 'eu' }, samples: [[T0 + 5 * STEP, -5], [T0 + 300 * STEP, -300], [T0 + 5 * STEP + 1, 0.5]] }]);
    const after = pairs(await store.readColumns(a!.id, T0, T0 + 301 * STEP));
    expect(after).toHaveLength(302);
    expect(after[5]).toEqual([T0 + 5 * STEP, -5]);
    expect(after[6]).toEqual([T0 + 5 * STEP + 1, 0.5]);
    expect(after.at(-1)).toEqual([T0 + 300 * STEP, -300]);
    expect(await store.latest([a!.id, 12345])).toEqual([{ ts: T0 + 300 * STEP, value: -300 }, undefined]);
    expect(await store.series()).toHaveLength(2);
    expect((await store.series((name, labels) => labels.host === 'web-2')).map((s) => s.id)).toEqual([c!.id]);
    expect((await store.seriesOfTarget('web-1')).map((s) => s.id)).toEqual([a!.id]);
    expect(await store.seriesById(c!.id)).toEqual(c);
  });

  it.skipIf(database.skip)('stores a series whose label set is wider than a PostgreSQL index entry (2,704 bytes), one series per label set as for any other', async () => {
    const { stores } = await open();
    const [store, replica] = [stores[0]!, stores.at(-1)!];
    // Within the ingest API's bounds (32 labels of up to 1,024 characters), and what a scrape of
    // kube-state-metrics' kube_pod_labels can bring; random, so PostgreSQL cannot compress it small.
    const wide = (seed: string) => Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`label_${i}`, crypto.createHash('sha512').update(`${seed}${i}`).digest('hex')]));
    const { series: [a, b] } = await store.append([
      { name: 'kube_pod_labels', labels: wide('a'), samples: [[T0, 1]] },
      { name: 'kube_pod_labels', labels: wide('b'), samples: [[T0, 2]] },
    ]);
    expect(a!.id).not.toBe(b!.id);
    const { series: [again] } = await replica.append([{ name: 'kube_pod_labels', labels: wide('a'), samples: [[T0 + STEP, 3]] }]);
    expect(again!.id).toBe(a!.id);
    expect(await replica.seriesById(b!.id)).toEqual(b);
    expect(pairs(await store.readColumns(a!.id, T0, T0 + 2 * STEP))).toEqual([[T0, 1], [T0 + STEP, 3]]);
  });

  it.skipIf(database.skip)('reads the first samples of several series in one snapshot, whatever commits meanwhile', async () => {
    const { stores } = await open();
    const writer = stores.at(-1)!;
    const reader = stores[0]!;
    // Every append writes both series at one time: a read must see both of a time or neither.
    const both = (i: number) => [
      { name: 'cpu', labels: { host: 'web-1' }, samples: [[T0 + i * STEP, i]] as [number, number][] },
      { name: 'mem', labels: { host: 'web-1' }, samples: [[T0 + i * STEP, -i]] as [number, number][] },
    ];
    const { series: refs } = await writer.append(both(0));
    const ids = refs.map((ref) => ref.id);
    let written = 1;
    let done = false;
    const writing = (async () => {
      for (; written < 400 && !done; written++) await writer.append(both(written));
    })();
    const uneven: string[] = [];
    try {
      for (let reads = 0; reads < 400 && written < 400; reads++) {
        const [cpu, mem] = await reader.readFirst(ids, -Infinity, 1_000);
        if (cpu!.length !== mem!.length) uneven.push(`cpu ${cpu!.length}, mem ${mem!.length}`);
      }
    } finally {
      done = true;
      await writing;
    }
    expect(uneven).toEqual([]);
    const [cpu, mem] = await reader.readFirst(ids, -Infinity, 1_000);
    expect([cpu!.length, mem!.length]).toEqual([written, written]);
  });

  it.skipIf(database.skip)('pages forwards and backwards across chunks and the head', async () => {
    const { stores } = await open();
    const store = stores[0]!;
    const all = series(T0, 2 * CHUNK_SAMPLES + 50);
    const { series: [s] } = await store.append([{ name: 'm', labels: { host: 'h' }, samples: all }]);
    expect(pairs((await store.readFirst([s!.id], -Infinity, 5))[0]!)).toEqual(all.slice(0, 5));
    expect(pairs((await store.readFirst([s!.id], all[100]![0], 200))[0]!)).toEqual(all.slice(101, 301));
    expect(pairs((await store.readFirst([s!.id], all.at(-3)![0], 10))[0]!)).toEqual(all.slice(-2));
    expect(pairs(await store.readLast(s!.id, Infinity, 3))).toEqual(all.slice(-3));
    expect(pairs(await store.readLast(s!.id, all[250]![0], 200))).toEqual(all.slice(50, 250));
    expect(pairs(await store.readLast(s!.id, all[2]![0], 10))).toEqual(all.slice(0, 2));
    expect(pairs(await store.readColumns(s!.id, all[119]![0], all[121]![0]))).toEqual(all.slice(119, 121));
  });

  it.skipIf(database.skip)('answers minutes and hours as the aggregates of the samples, before and after retention moves them', async () => {
    const { stores, now } = await open();
    const store = stores[0]!;
    // Three hours at 10 s, value = sample index modulo 7 (min/max/sum differ per bucket).
    const all = series(T0, 3 * 360, (i) => (i * 13) % 7);
    const { series: [s] } = await store.append([{ name: 'm', labels: { host: 'h' }, samples: all }]);
    const expected = (width: number) => {
      const out = new Map<number, number[]>();
      for (const [t, v] of all) {
        const b = Math.floor(t / width) * width;
        const row = out.get(b);
        if (!row) out.set(b, [b, v, v, v, 1, v]);
        else {
          row[1] = Math.min(row[1]!, v);
          row[2] = Math.max(row[2]!, v);
          row[3]! += v;
          row[4]!++;
          row[5] = v;
        }
      }
      return [...out.values()];
    };
    expect(buckets(await store.readRollupColumns('1m', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(MINUTE_MS));
    expect(buckets(await store.readRollupColumns('1h', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(HOUR_MS));
    // Raw samples of the first 90 minutes age out: minutes and hours must not change.
    now.t = T0 + 90 * MINUTE_MS + 2 * 86_400_000;
    const result = await store.enforceRetention({ rawMs: 2 * 86_400_000, minuteMs: 30 * 86_400_000, hourMs: 400 * 86_400_000 }, now.t);
    expect(result.raw).toBe(540);
    expect(pairs(await store.readColumns(s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(all.slice(540));
    expect(buckets(await store.readRollupColumns('1m', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(MINUTE_MS));
    expect(buckets(await store.readRollupColumns('1h', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(HOUR_MS));
    // Then every raw sample and the first two hours of minutes: hours still the same.
    now.t = T0 + 2 * HOUR_MS + 30 * 86_400_000;
    await store.enforceRetention({ rawMs: 2 * 86_400_000, minuteMs: 30 * 86_400_000, hourMs: 400 * 86_400_000 }, now.t);
    expect(pairs(await store.readColumns(s!.id, T0, T0 + 3 * HOUR_MS))).toEqual([]);
    expect(buckets(await store.readRollupColumns('1m', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(MINUTE_MS).slice(120));
    expect(buckets(await store.readRollupColumns('1h', s!.id, T0, T0 + 3 * HOUR_MS))).toEqual(expected(HOUR_MS));
  });

  it.skipIf(database.skip)('keeps anomaly scores per target, a later score for a time replacing the earlier', async () => {
    const { stores } = await open();
    const store = stores[0]!;
    expect(await store.lastScoreTs('web-1')).toBeUndefined();
    const times = Array.from({ length: 200 }, (_, i) => T0 + i * STEP);
    await store.setScores('web-1', times, times.map((_, i) => i / 200));
    await store.setScores('web-1', [times[3]!, times[1]!], [0.99, 0.98]);
    const scores = await store.readScores('web-1', T0, T0 + 200 * STEP);
    expect(scores.length).toBe(200);
    expect([scores.values[1], scores.values[3], scores.values[4]]).toEqual([0.98, 0.99, 4 / 200]);
    expect(await store.lastScoreTs('web-1')).toBe(times.at(-1));
    expect((await store.readScores('web-2', T0, T0 + 1e9)).length).toBe(0);
  });

  it.skipIf(database.skip)('exports every sample once in position order, by page, as samples and as chunks', async () => {
    const { stores } = await open();
    const store = stores[0]!;
    const a = series(T0, 250);
    const b = series(T0, 30, (i) => 1000 + i);
    await store.append([{ name: 'a', labels: {}, samples: a }]);
    await store.append([{ name: 'b', labels: {}, samples: b }]);
    const last = await store.lastSeq();
    expect(last).toBe(280);
    const seen = new Map<string, number>();
    let cursor = 0;
    for (let pages = 0; pages < 100; pages++) {
      const page = await store.exportAfter(cursor, 50);
      for (let i = 0; i < page.ts.length; i++) seen.set(`${page.seriesIds[i]}@${page.ts[i]}`, page.values[i]!);
      if (page.seqs.length > 0) cursor = page.seqs.at(-1)!;
      if (!page.more) break;
    }
    expect(seen.size).toBe(280);
    let chunkSamples = 0;
    let headSamples = 0;
    cursor = 0;
    for (let pages = 0; pages < 100; pages++) {
      const page = await store.exportChunks(cursor, 50);
      for (const data of page.chunks) chunkSamples += decodeChunk(data).timestamps.length;
      headSamples += page.ts.length;
      cursor = page.last;
      if (!page.more) break;
    }
    expect(chunkSamples + headSamples).toBe(280);
    expect(cursor).toBe(last);
    // Nothing after the last position; a bounded export stops at `upTo`.
    expect((await store.exportAfter(last, 100)).ts).toEqual([]);
    const bounded = await store.exportAfter(0, 1_000, 250);
    expect(Math.max(...bounded.seqs)).toBeLessThanOrEqual(250);
  });

  it.skipIf(database.skip || database.name === 'sqlite')('is one store for every replica: series, samples, scores and positions written on one are read on the other', async () => {
    const { stores } = await open();
    const [a, b] = stores as [MetricsStorage, MetricsStorage];
    const { series: [s] } = await a.append([{ name: 'm', labels: { host: 'h1' }, samples: series(T0, 130) }]);
    expect(await b.seriesById(s!.id)).toEqual(s);
    expect(pairs(await b.readColumns(s!.id, T0, T0 + 1e9))).toEqual(series(T0, 130));
    const { series: [again] } = await b.append([{ name: 'm', labels: { host: 'h1' }, samples: [[T0 + 130 * STEP, 130]] }]);
    expect(again!.id).toBe(s!.id);
    expect(await a.latest([s!.id])).toEqual([{ ts: T0 + 130 * STEP, value: 130 }]);
    await b.setScores('h1', [T0], [0.7]);
    expect(await a.lastScoreTs('h1')).toBe(T0);
    expect(await a.lastSeq()).toBe(131);
  });

  it.skipIf(database.skip)('answers a name lookup exactly as a scan, on every replica, as series are added anywhere', async () => {
    const { stores } = await open();
    const expectSame = async (store: MetricsStorage) => {
      for (const name of ['cpu', 'mem', 'disk', 'absent']) {
        expect(await store.seriesNamed(name)).toEqual(await store.series((n) => n === name));
        expect(await store.seriesNamed(name, (_n, l) => l.host !== 'h1')).toEqual(await store.series((n, l) => n === name && l.host !== 'h1'));
      }
    };
    for (let round = 0; round < 3; round++) {
      // Each round writes through a different replica; the others learn its series on their next read.
      const writer = stores[round % stores.length]!;
      await writer.append(['cpu', 'mem', 'disk'].map((name) => ({ name, labels: { host: `h${round}` }, samples: [[T0 + round, round]] })));
      for (const store of stores) await expectSame(store);
    }
    expect((await stores[0]!.seriesNamed('mem')).map((s) => s.labels.host)).toEqual(['h0', 'h1', 'h2']);
  });

  it.skipIf(database.skip || database.name === 'sqlite')('loses nothing when replicas append to the same series at once, and positions follow commit order', async () => {
    const { stores } = await open();
    const [a, b] = stores as [MetricsStorage, MetricsStorage];
    const writes: Promise<unknown>[] = [];
    // Interleaved times from both replicas, in batches that fill and seal chunks concurrently.
    for (let batch = 0; batch < 20; batch++) {
      const store = batch % 2 === 0 ? a : b;
      const samples = Array.from({ length: 37 }, (_, i): [number, number] => [T0 + (i * 20 + batch) * STEP, batch * 1000 + i]);
      writes.push(store.append([{ name: 'shared', labels: { host: 'h' }, samples }, { name: `own-${batch % 2}`, labels: {}, samples: samples.slice(0, 3) }]));
    }
    await Promise.all(writes);
    const [ref] = await a.series((name) => name === 'shared');
    const read = await b.readColumns(ref!.id, -Infinity, Infinity);
    expect(read.length).toBe(20 * 37);
    for (let i = 1; i < read.length; i++) expect(read.ts[i]!).toBeGreaterThan(read.ts[i - 1]!);
    expect(await a.lastSeq()).toBe(20 * 40);
    const page = await a.exportAfter(0, 1_000_000);
    expect(new Set(page.ts.map((t, i) => `${page.seriesIds[i]}@${t}`)).size).toBe(20 * 37 + 20 * 3);
  });
});
