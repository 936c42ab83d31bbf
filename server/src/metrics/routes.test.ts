import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { ExportResponse, LatestResponse, RangeResponse, SeriesListResponse } from '../../../shared/api/metrics.ts';

const T0 = Date.UTC(2026, 0, 1);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ now: () => T0 + 86_400_000 });
});
afterAll(async () => server.close());

const ingest = (payload: unknown, role: 'admin' | 'viewer' | null = 'admin') =>
  server.injectAs(role, { method: 'POST', url: '/api/v1/metrics/ingest', payload: payload as object });
const get = (url: string, headers: Record<string, string> = {}) => server.injectAs('viewer', { method: 'GET', url, headers });

function points(n: number, step = 10_000, start = T0): [number, number][] {
  return Array.from({ length: n }, (_, i) => [start + i * step, i]);
}

describe('metrics API', () => {
  it('ingests batches (metrics:write) and refuses viewers and anonymous callers', async () => {
    const body = {
      series: [
        { name: 'node_load1', labels: { host: 'web-1', zone: 'eu' }, samples: points(3000) },
        { name: 'node_load1', labels: { host: 'web-2', zone: 'us' }, samples: points(10) },
        { name: 'node_load1', labels: { host: 'db-1' }, samples: points(10) },
        { name: 'node_memory_total_bytes', labels: { host: 'web-1' }, samples: [[T0, 8e9]] },
      ],
    };
    const response = await ingest(body);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ series: 4, samples: 3021 });
    expect((await ingest(body, 'viewer')).statusCode).toBe(403);
    expect((await ingest(body, null)).statusCode).toBe(401);
  });

  it('rejects malformed ingest bodies with a 4xx and our error shape, storing nothing', async () => {
    const before = (await get('/api/v1/metrics/stats')).json().series;
    const bad: unknown[] = [
      { series: [] },
      { series: [{ name: '9bad', labels: {}, samples: [[T0, 1]] }] },
      { series: [{ name: 'ok', labels: { 'bad-label': 'x' }, samples: [[T0, 1]] }] },
      { series: [{ name: 'ok', labels: { host: 'x'.repeat(1025) }, samples: [[T0, 1]] }] },
      { series: [{ name: 'ok', labels: {}, samples: [[T0 + 0.5, 1]] }] },
      { series: [{ name: 'ok', labels: {}, samples: [[T0, 'high']] }] },
      { series: [{ name: 'ok', labels: {}, samples: [[T0]] }] },
      { series: [{ name: 'ok', labels: {}, samples: [[-1, 1]] }] },
      { series: [{ name: 'ok', labels: {} }] },
      { series: [{ name: 'ok', labels: {}, samples: [], extra: true }] },
    ];
    for (const payload of bad) {
      const response = await ingest(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
    }
    const notJson = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: '{"series": [', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    const infinite = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: `{"series":[{"name":"ok","labels":{},"samples":[[${T0},1e999]]}]}`, headers: { 'content-type': 'application/json' } });
    expect(infinite.statusCode).toBe(400);
    expect(infinite.json().error.code).toBe('E_VALIDATION');
    expect((await get('/api/v1/metrics/stats')).json().series).toBe(before);
  });

  it('lists series by label matchers (=, !=, =~, !~)', async () => {
    const hosts = async (match: string) =>
      ((await get(`/api/v1/metrics/series?match=${encodeURIComponent(match)}`)).json() as SeriesListResponse).series.map((s) => s.labels.host).sort();
    expect(await hosts('node_load1{host="web-1"}')).toEqual(['web-1']);
    expect(await hosts('node_load1{host!="web-1"}')).toEqual(['db-1', 'web-2']);
    expect(await hosts('node_load1{host=~"web-.*"}')).toEqual(['web-1', 'web-2']);
    expect(await hosts('node_load1{host!~"web-.*"}')).toEqual(['db-1']);
    expect(await hosts('{host="web-1"}')).toEqual(['web-1', 'web-1']);
    expect(await hosts('node_load1{zone=""}')).toEqual(['db-1']);
    const invalid = await get(`/api/v1/metrics/series?match=${encodeURIComponent('node_load1{host=~"("}')}`);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('E_VALIDATION');
  });

  it('answers range queries within maxPoints, compressed, from the cache the third time (kept from the second)', async () => {
    const url = `/api/v1/metrics/query_range?match=${encodeURIComponent('node_load1{host="web-1"}')}&from=${T0}&to=${T0 + 30_000_000}&maxPoints=1000`;
    const first = await get(url, { 'accept-encoding': 'gzip' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['x-cache']).toBe('miss');
    const second = await get(url);
    expect(second.headers['x-cache']).toBe('miss');
    const third = await get(url);
    expect(third.headers['x-cache']).toBe('hit');
    expect(third.body).toBe(second.body);
    const body = third.json() as RangeResponse;
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({ name: 'node_load1', labels: { host: 'web-1', zone: 'eu' }, resolution: 'raw' });
    expect(body.series[0]!.timestamps).toHaveLength(1000);
    expect(body.series[0]!.values).toHaveLength(1000);

    const stepped = (await get(`/api/v1/metrics/query_range?match=node_load1&from=${T0}&to=${T0 + 3_599_999}&step=600000&agg=max`)).json() as RangeResponse;
    expect(stepped.series.map((s) => s.values.length).sort()).toEqual([1, 1, 6]);

    const stats = (await get('/api/v1/metrics/stats')).json();
    expect(stats.cache.hits).toBeGreaterThanOrEqual(1);
    expect(stats.cache.misses).toBeGreaterThanOrEqual(1);
    const exposition = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(exposition).toMatch(/smartcloudops_metrics_query_cache_hits_total [1-9]/);
    expect(exposition).toMatch(/smartcloudops_metrics_query_cache_misses_total [1-9]/);
  });

  it('rejects bad range queries', async () => {
    for (const query of [`match=node_load1&from=${T0}&to=${T0 - 1}`, `match=node_load1&from=x&to=${T0}`, `match=node_load1&from=${T0}&to=${T0 + 1}&maxPoints=2`, `match=node_load1&from=${T0}&to=${T0 + 1}&agg=median`, `from=${T0}&to=${T0 + 1}`]) {
      const response = await get(`/api/v1/metrics/query_range?${query}`);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('gives the latest value of each series for the overview', async () => {
    const body = (await get(`/api/v1/metrics/latest?match=${encodeURIComponent('{host="web-1"}')}`)).json() as LatestResponse;
    const byName = Object.fromEntries(body.series.map((s) => [s.name, [s.ts, s.value]]));
    expect(byName).toEqual({ node_load1: [T0 + 2999 * 10_000, 2999], node_memory_total_bytes: [T0, 8e9] });
  });

  it('exports raw samples in insertion order, page by page, with the series they use', async () => {
    const seen: [number, number, number][] = [];
    const names = new Map<number, string>();
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const response = await get(`/api/v1/metrics/export?limit=1000${cursor ? `&after=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as ExportResponse;
      pages++;
      // Chunks go whole: a page runs past the limit by less than one chunk (120 samples).
      expect(page.seriesIds.length).toBeLessThan(1000 + 120);
      for (const s of page.series) names.set(s.id, s.name);
      page.seriesIds.forEach((id, i) => seen.push([id, page.timestamps[i]!, page.values[i]!]));
      for (const id of page.seriesIds) expect(names.has(id)).toBe(true);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(3021);
    expect(seen[0]).toEqual([expect.any(Number), T0, 0]);
    expect(seen[2999]![1]).toBe(T0 + 2999 * 10_000);
    const empty = (await get(`/api/v1/metrics/export?after=${cursor}`)).json() as ExportResponse;
    expect(empty).toMatchObject({ seriesIds: [], cursor, more: false });

    await ingest({ series: [{ name: 'node_load1', labels: { host: 'db-1' }, samples: [[T0 + 1e7, 42]] }] });
    const next = (await get(`/api/v1/metrics/export?after=${cursor}`)).json() as ExportResponse;
    expect(next).toMatchObject({ timestamps: [T0 + 1e7], values: [42], more: false, series: [{ name: 'node_load1', labels: { host: 'db-1' } }] });
    expect((await get('/api/v1/metrics/export?after=abc')).statusCode).toBe(400);
    const ahead = await get(`/api/v1/metrics/export?after=${Number(next.cursor) + 1}`);
    expect(ahead.statusCode).toBe(409);
    expect(ahead.json().error.code).toBe('E_CONFLICT');
  });
});

describe('heavy range queries', () => {
  const HOSTS = 10;
  const NAMES = 5;
  const day = (seed: number): [number, number][] => Array.from({ length: 8640 }, (_, i) => [T0 + i * 10_000, Math.round(Math.sin(i / 100 + seed) * 1e4) / 100]);
  const url50 = (from: number) => `/api/v1/metrics/query_range?${new URLSearchParams({ match: '{__name__=~"heavy_.*"}', from: String(from), to: String(T0 + 86_400_000), step: '43200', maxPoints: '2000' })}`;
  /** Resolves on the first turn of the event loop where `condition` holds: no timer, no sleep. */
  const when = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  };

  beforeAll(async () => {
    for (let n = 0; n < NAMES; n++) {
      await server.app.metrics.ingest(Array.from({ length: HOSTS }, (_, h) => ({ name: `heavy_${n}`, labels: { host: `h${h}` }, samples: day(n * HOSTS + h) })));
    }
  });

  it('answers /health and a small query while a 50-series answer is computed on a worker', async () => {
    const ranges = server.app.metrics.ranges;
    const before = ranges.stats().offloaded;
    const order: string[] = [];
    const heavy = get(url50(T0)).then((response) => {
      order.push('heavy');
      return response;
    });
    // The request thread has read the chunks and handed them to a worker.
    await when(() => ranges.stats().offloaded > before);
    const health = server.app.inject({ method: 'GET', url: '/health' }).then((response) => {
      order.push('health');
      return response;
    });
    const small = get(`/api/v1/metrics/query_range?match=heavy_0{host="h0"}&from=${T0}&to=${T0 + 3_600_000}`).then((response) => {
      order.push('small');
      return response;
    });
    const [h, s, big] = await Promise.all([health, small, heavy]);
    expect(h.statusCode).toBe(200);
    expect(s.statusCode).toBe(200);
    expect((s.json() as RangeResponse).series[0]!.timestamps).toHaveLength(361);
    expect(big.statusCode).toBe(200);
    const body = big.json() as RangeResponse;
    expect(body.series).toHaveLength(HOSTS * NAMES);
    expect(body.series.every((one) => one.timestamps.length === 2000)).toBe(true);
    // Neither waited for the heavy answer: the request thread only read its chunks.
    expect(order.at(-1)).toBe('heavy');
    expect(ranges.stats().offloaded).toBe(before + 1);
  });

  it('fails a query whose worker dies with a 500, and answers the next one', async () => {
    const ranges = server.app.metrics.ranges;
    const before = ranges.stats();
    // Another `from`: not in the query cache.
    const doomed = get(url50(T0 + 1));
    await when(() => ranges.stats().offloaded > before.offloaded && ranges.threads.length > 0);
    await Promise.all(ranges.threads.map((thread) => thread.terminate()));
    const failed = await doomed;
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe('E_WORKER_FAILED');
    expect(ranges.stats().failures).toBe(before.failures + 1);
    const next = await get(url50(T0 + 2));
    expect(next.statusCode).toBe(200);
    expect((next.json() as RangeResponse).series).toHaveLength(HOSTS * NAMES);
  });
});
