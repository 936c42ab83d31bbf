import { afterEach, describe, expect, it as itBase } from 'vitest';
import { Registry } from 'prom-client';
import { EventBus } from '../events/bus.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { writeRangeAnswer } from './range-json.ts';
import { MetricsService } from './service.ts';
import { openTempDb } from './test-db.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** 24 h of one series at 10 s: 8,640 points, value = index. */
function day(): [number, number][] {
  return Array.from({ length: 8640 }, (_, i) => [T0 + i * 10_000, i]);
}

describe.each(testDatabases())('metrics service on $name', (database) => {
  const databases = useTestDatabase(database);
  const it = database.skip ? itBase.skip : itBase;

  async function tempService(now = T0 + 24 * HOUR) {
    const temp = openTempDb();
    cleanups.push(temp.cleanup);
    const sql = database.name === 'postgres' ? (await databases.twoLayers('sco-metrics-service-')).sql[0] : undefined;
    const events = new EventBus();
    const published: StreamEvent[] = [];
    events.subscribe((e) => published.push(e));
    const registry = new Registry();
    const metrics = new MetricsService({ db: temp.db, ...(sql ? { sql } : {}), events, now: () => now, registry });
    cleanups.push(() => metrics.close());
    return { metrics, published, registry, events };
  }

describe('range queries', async () => {
  it('answers from raw samples and never returns more than maxPoints', async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: { host: 'a' }, samples: day() }]);
    const series = await metrics.findSeries('cpu');
    const [all] = await metrics.queryRange(series, { from: T0, to: T0 + 24 * HOUR, agg: 'avg', maxPoints: 10_000 });
    expect(all!.resolution).toBe('raw');
    expect(all!.timestamps).toHaveLength(8640);
    const [reduced] = await metrics.queryRange(series, { from: T0, to: T0 + 24 * HOUR, agg: 'avg', maxPoints: 5000 });
    expect(reduced!.resolution).toBe('raw');
    expect(reduced!.timestamps).toHaveLength(5000);
    expect(reduced!.timestamps[0]).toBe(T0);
    expect(reduced!.timestamps.at(-1)).toBe(T0 + 8639 * 10_000);
    // Fewer points than minutes in the range: 1 m rollups are read, then reduced.
    const [coarse] = await metrics.queryRange(series, { from: T0, to: T0 + 24 * HOUR, agg: 'avg', maxPoints: 500 });
    expect(coarse!.resolution).toBe('1m');
    expect(coarse!.timestamps).toHaveLength(500);
  });

  it('aggregates raw samples into steps', async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }]);
    const series = await metrics.findSeries('cpu');
    const request = { from: T0, to: T0 + 59_999, step: 30_000, maxPoints: 100 };
    expect((await metrics.queryRange(series, { ...request, agg: 'avg' }))[0]!.values).toEqual([1, 4]);
    expect((await metrics.queryRange(series, { ...request, agg: 'max' }))[0]!.values).toEqual([2, 5]);
    expect((await metrics.queryRange(series, { ...request, agg: 'min' }))[0]!.values).toEqual([0, 3]);
    expect((await metrics.queryRange(series, { ...request, agg: 'sum' }))[0]!.values).toEqual([3, 12]);
    expect((await metrics.queryRange(series, { ...request, agg: 'count' }))[0]!.values).toEqual([3, 3]);
    expect((await metrics.queryRange(series, { ...request, agg: 'last' }))[0]!.values).toEqual([2, 5]);
    expect((await metrics.queryRange(series, { ...request, agg: 'last' }))[0]!.timestamps).toEqual([T0, T0 + 30_000]);
  });

  it('reads the 1 m and 1 h rollups for coarse steps and for ranges older than raw retention', async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }]);
    const series = await metrics.findSeries('cpu');
    const minutes = (await metrics.queryRange(series, { from: T0, to: T0 + 24 * HOUR - 1, step: 300_000, agg: 'max', maxPoints: 1000 }))[0]!;
    expect(minutes.resolution).toBe('1m');
    expect(minutes.timestamps).toHaveLength(288);
    expect(minutes.values.slice(0, 2)).toEqual([29, 59]);
    const hours = (await metrics.queryRange(series, { from: T0, to: T0 + 24 * HOUR - 1, step: HOUR, agg: 'avg', maxPoints: 1000 }))[0]!;
    expect(hours.resolution).toBe('1h');
    expect(hours.values[0]).toBe(179.5);
    const { metrics: later } = await tempService(T0 + 10 * 24 * HOUR);
    await later.ingest([{ name: 'cpu', labels: {}, samples: day().slice(0, 360) }]);
    const old = (await later.queryRange(await later.findSeries('cpu'), { from: T0, to: T0 + HOUR - 1, agg: 'avg', maxPoints: 1000 }))[0]!;
    expect(old.resolution).toBe('1m');
    expect(old.timestamps).toHaveLength(60);
  });
});

describe('query cache', async () => {
  it('serves repeated queries from the cache and counts hits and misses', async () => {
    const { metrics, registry } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }]);
    const series = await metrics.findSeries('cpu');
    const request = { from: T0, to: T0 + HOUR, agg: 'avg' as const, maxPoints: 100 };
    expect((await metrics.queryRange(series, request))[0]!.cached).toBe(false);
    const again = (await metrics.queryRange(series, request))[0]!;
    expect(again.cached).toBe(true);
    expect(again.timestamps).toHaveLength(100);
    expect(metrics.cacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    const text = await registry.metrics();
    expect(text).toContain('smartcloudops_metrics_query_cache_hits_total 1');
    expect(text).toContain('smartcloudops_metrics_query_cache_misses_total 1');
  });

  it('finds the series of an exact metric name, in either spelling, as the same selector with the name as a regex (which scans) does', async () => {
    const { metrics } = await tempService();
    await metrics.ingest(['a', 'b', 'c'].flatMap((host) => ['cpu', 'mem'].map((name) => ({ name, labels: { host }, samples: [[T0, 1]] as [number, number][] }))));
    const pairs = [
      ['cpu', '{__name__=~"cpu"}'],
      ['cpu{host!="b"}', '{__name__=~"cpu",host!="b"}'],
      ['{host="a",__name__="mem"}', '{host="a",__name__=~"mem"}'],
      ['cpu{__name__="mem"}', '{__name__=~"cpu",__name__=~"mem"}'],
      ['disk', '{__name__=~"disk"}'],
    ];
    for (const [exact, scanned] of pairs) expect(await metrics.findSeries(exact)).toEqual(await metrics.findSeries(scanned));
    expect((await metrics.findSeries('cpu{host!="b"}')).map((s) => s.labels.host)).toEqual(['a', 'c']);
  });

  it("keeps an API answer's columns from its second ask: the first makes none (a stream of distinct queries filled the cache for nothing), the third is a hit, the bytes the same each time", async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }, { name: 'mem', labels: {}, samples: day() }]);
    const series = await metrics.findSeries('{__name__=~"cpu|mem"}');
    const request = { from: T0 + 17, to: T0 + 20 * HOUR, step: 45_000, agg: 'avg' as const, maxPoints: 500 };
    const expected = writeRangeAnswer(await metrics.queryRangeYielding(series, request));
    // The column API keeps what it computes: let it go, as the server does when quiet.
    metrics.releaseIdleMemory();
    const cache = () => metrics.cacheStats();
    const before = cache();
    const first = await metrics.queryRangeAnswer(series, request);
    expect(first.hits).toBe(0);
    expect(cache()).toMatchObject({ entries: before.entries, misses: before.misses + 2 });
    const second = await metrics.queryRangeAnswer(series, request);
    expect(second.hits).toBe(0);
    expect(cache()).toMatchObject({ entries: before.entries + 2, misses: before.misses + 4 });
    const third = await metrics.queryRangeAnswer(series, request);
    expect(third.hits).toBe(2);
    for (const answer of [first, second, third]) expect(answer.json.equals(expected)).toBe(true);
  });

  it('drops a cached answer when a new sample lands in its range, and only then', async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }, { name: 'mem', labels: {}, samples: day() }]);
    const cpu = await metrics.findSeries('cpu');
    const firstHour = { from: T0, to: T0 + HOUR, agg: 'max' as const, maxPoints: 1000 };
    await metrics.queryRange(cpu, firstHour);
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: [[T0 + 20 * HOUR, 1]] }, { name: 'mem', labels: {}, samples: [[T0 + 5000, 1e9]] }]);
    expect((await metrics.queryRange(cpu, firstHour))[0]!.cached).toBe(true);
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: [[T0 + 5000, 1e9]] }]);
    const fresh = (await metrics.queryRange(cpu, firstHour))[0]!;
    expect(fresh.cached).toBe(false);
    expect(Math.max(...fresh.values)).toBe(1e9);
    expect(metrics.cacheStats().invalidations).toBe(1);
  });

  it('lets go of the answers nobody asked for again when the server goes quiet, keeping those read twice', async () => {
    const { metrics } = await tempService();
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }]);
    const cpu = await metrics.findSeries('cpu');
    const reread = { from: T0, to: T0 + HOUR, agg: 'avg' as const, maxPoints: 100 };
    const once = { from: T0 + HOUR, to: T0 + 2 * HOUR, agg: 'avg' as const, maxPoints: 100 };
    await metrics.queryRange(cpu, reread);
    await metrics.queryRange(cpu, reread);
    await metrics.queryRange(cpu, once);
    expect(metrics.cacheStats()).toMatchObject({ entries: 2, points: 200 });
    metrics.releaseIdleMemory();
    expect(metrics.cacheStats()).toMatchObject({ entries: 1, points: 100 });
    expect((await metrics.queryRange(cpu, reread))[0]!.cached).toBe(true);
    expect((await metrics.queryRange(cpu, once))[0]!.cached).toBe(false);
  });

  it('forgets every cached answer once retention has deleted data', async () => {
    const { metrics } = await tempService(T0 + 3 * 24 * HOUR);
    await metrics.ingest([{ name: 'cpu', labels: {}, samples: day() }]);
    const request = { from: T0, to: T0 + HOUR, step: 60_000, agg: 'avg' as const, maxPoints: 100 };
    await metrics.queryRange(await metrics.findSeries('cpu'), request);
    expect((await metrics.maintain()).raw).toBe(8640);
    expect((await metrics.queryRange(await metrics.findSeries('cpu'), request))[0]!.cached).toBe(false);
  });
});

describe('ingest', async () => {
  it('publishes every new sample on the bus, in chunks', async () => {
    const { metrics, published } = await tempService();
    const result = await metrics.ingest([{ name: 'cpu', labels: { host: 'a' }, samples: day().slice(0, 2500) }, { name: 'mem', labels: {}, samples: [] }]);
    expect(result).toEqual({ series: 2, samples: 2500 });
    const samples = published.flatMap((e) => (e.type === 'samples' ? e.data : []));
    expect(published.map((e) => (e.type === 'samples' ? e.data.length : 0))).toEqual([1000, 1000, 500]);
    expect(samples[2499]).toEqual({ seriesId: samples[0]!.seriesId, name: 'cpu', labels: { host: 'a' }, ts: T0 + 2499 * 10_000, value: 2499 });
  });
});
});
