import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch, WatchScores } from '../../../../shared/api/anomaly-watches.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { listenOnLoopback } from '../../testing/loopback-http.ts';

/** One series with many labels (2,000 label pairs), odd values included: quotes, a newline, unicode. */
const LABELS: Record<string, string> = { __name__: 'wide_metric', quote: 'say "hi"', newline: 'a\nb', unicode: 'Zürich ✓ 東京' };
for (let i = 0; i < 2_000; i++) LABELS[`label_${i}`] = randomBytes(6).toString('hex');

/** A Prometheus played by a small HTTP server: that one series, one sample per step asked. */
async function fakePrometheus() {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const send = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/v1/query') {
      send({ status: 'success', data: { resultType: 'vector', result: [{ metric: LABELS, value: [Date.now() / 1000, '1'] }] } });
      return;
    }
    const [start, end, step] = ['start', 'end', 'step'].map((name) => Number(url.searchParams.get(name)));
    const values: Array<[number, string]> = [];
    for (let t = start!; t <= end!; t += step!) values.push([t, String(5 + Math.cos(t / 11))]);
    send({ status: 'success', data: { resultType: 'matrix', result: [{ metric: LABELS, values }] } });
  });
  return { ...(await listenOnLoopback(server)) };
}

/**
 * A series' key (its sorted labels) was stored whole in every score row, and on PostgreSQL
 * the scores' primary key index refuses an entry over 2,704 bytes: a series with many labels
 * (or long values) made every pull of its watch fail, and nothing was ever scored.
 */
describe('an anomaly watch on a series with thousands of labels', () => {
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = await fakePrometheus();
    server = await startTestServer({ datasources: { watches: { backfillRows: 30, minTrainRows: 10, trainWindow: 30, retrainEvery: 10, syncMs: 0 } } });
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'wide', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  it('scores it and stores its scores under a key of bounded length that the scores route finds', async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'wide', datasourceId: source.id, query: 'wide_metric', stepSeconds: 60 } });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as Watch;
    await server.app.datasources.runner.settled(id);

    const watch = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${id}` })).json() as Watch;
    expect(watch.lastError).toBeNull();
    expect(watch.state).toBe('running');
    expect(watch.series).toHaveLength(1);
    const series = watch.series[0]!;
    expect(series.labels).toEqual(LABELS);
    expect(series.key.length).toBeLessThanOrEqual(600);

    const scores = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${id}/scores?series=${encodeURIComponent(series.key)}` })).json() as WatchScores;
    expect(scores.series).toHaveLength(1);
    expect(scores.series[0]!.key).toBe(series.key);
    expect(scores.series[0]!.timestamps.length).toBeGreaterThan(0);
  });
});
