import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { OverviewResponse, RangeResponse, SeriesListResponse } from '../../../shared/api/metrics.ts';
import { buildSelector, featuredSeries } from '../../../shared/metrics/featured-series.ts';

const NOW = Date.UTC(2026, 0, 2);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ now: () => NOW });
});
afterAll(async () => server.close());

const get = (url: string) => server.injectAs('viewer', { method: 'GET', url });
const recent = (minutes: number, step = 10_000) => Array.from({ length: (minutes * 60_000) / step }, (_, i) => [NOW - minutes * 60_000 + (i + 1) * step, i] as [number, number]);

describe('GET /metrics/overview', () => {
  it('answers the first paint in one request: the series list and each featured window, as query_range would', async () => {
    const series = [
      { name: 'node_cpu_utilisation_ratio', labels: { host: 'web-9' }, samples: recent(20) },
      { name: 'node_load1', labels: { host: 'web-9' }, samples: recent(20) },
      { name: 'app_queue_depth', labels: { host: 'web-9' }, samples: recent(20) },
      { name: 'node_memory_utilisation_ratio', labels: { host: 'web-9' }, samples: [[NOW - 3_600_000, 1]] },
    ];
    expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series } })).statusCode).toBe(200);

    const response = await get('/api/v1/metrics/overview?minutes=15&maxPoints=50&featured=3');
    expect(response.statusCode).toBe(200);
    const body = response.json() as OverviewResponse;
    const list = (await get('/api/v1/metrics/series')).json() as SeriesListResponse;
    expect(body.series).toEqual(list.series);
    expect(body).toMatchObject({ from: NOW - 15 * 60_000, to: NOW });
    expect(body.windows.map((w) => w.match)).toEqual(featuredSeries(list.series, 3).map((one) => buildSelector(one.name, one.labels)));
    expect(body.windows.map((w) => w.match)).toEqual(['node_cpu_utilisation_ratio{host="web-9"}', 'node_load1{host="web-9"}', 'node_memory_utilisation_ratio{host="web-9"}']);

    const [cpu, , memory] = body.windows;
    expect(cpu!.series[0]!.timestamps).toHaveLength(50);
    expect(cpu!.series[0]!.timestamps.every((ts) => ts >= body.from && ts <= body.to)).toBe(true);
    // A featured series with nothing in the window is still there, empty, as a range query answers.
    expect(memory!.series[0]!.timestamps).toEqual([]);
    for (const window of body.windows) {
      const same = (await get(`/api/v1/metrics/query_range?match=${encodeURIComponent(window.match)}&from=${body.from}&to=${body.to}&maxPoints=50`)).json() as RangeResponse;
      expect(window.series).toEqual(same.series);
    }
    // Generous: the first ingest starts the anomaly workers, slow on a busy 2-core machine.
  }, 120_000);

  it('defaults to 15 minutes and six featured series, and refuses bad input and anonymous callers', async () => {
    const body = (await get('/api/v1/metrics/overview')).json() as OverviewResponse;
    expect(body.to - body.from).toBe(15 * 60_000);
    expect(body.windows.length).toBe(Math.min(6, body.series.length));
    for (const bad of ['minutes=0', 'maxPoints=2', 'featured=99', 'minutes=abc']) {
      const response = await get(`/api/v1/metrics/overview?${bad}`);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
    }
    expect((await server.injectAs(null, { method: 'GET', url: '/api/v1/metrics/overview' })).statusCode).toBe(401);
  });
});
