import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch, WatchScores } from '../../../../shared/api/anomaly-watches.ts';
import type { AlertPage } from '../../../../shared/api/alerts.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { eventually } from '../../testing/eventually.ts';
import { openMetricsGauge, prometheusMissing, startPrometheus, type RunningPrometheus } from '../../testing/prometheus.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { seriesKey } from './runner.ts';

const MISSING = prometheusMissing();
if (MISSING) console.warn(`anomaly watch tests ${MISSING}`);

const STEP = 60;
const COUNT = 1440;
const END = Math.floor(Date.now() / 1000 / STEP) * STEP - 2 * STEP;
const FROM = END - (COUNT - 1) * STEP;
/** The injected anomaly: 30 minutes before the end of the history, in the "web-1" series only. */
const SPIKE_INDEX = COUNT - 30;

/** Deterministic noise in [-1, 1]. */
function noise(i: number, s: number): number {
  const x = Math.sin(i * 12.9898 + s * 78.233) * 43_758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

describe.skipIf(MISSING !== null)('anomaly watches over a Prometheus source', () => {
  let prometheus: RunningPrometheus;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    const series = [{ instance: 'web-1' }, { instance: 'web-2' }];
    const backfill = openMetricsGauge('sco_watch_latency_ms', series, { fromSeconds: FROM, stepSeconds: STEP, count: COUNT }, (i, s) =>
      i === SPIKE_INDEX && s === 0 ? 950 : 100 + 10 * Math.sin((2 * Math.PI * i) / 240) + 3 * noise(i, s),
    );
    prometheus = await startPrometheus({ backfill });
    server = await startTestServer({ datasources: { watches: { backfillRows: COUNT, trainWindow: COUNT, raiseWindowMs: 3 * 3_600_000 } } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 15 } });
    source = created.json() as Datasource;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.stop();
  });

  it('back-fills each series, trains one model per series at once, and raises an alert for the injected anomaly', async () => {
    const response = await server.injectAs('operator', {
      method: 'POST',
      url: '/api/v1/anomaly/watches',
      payload: { name: 'latency', datasourceId: source.id, query: 'sco_watch_latency_ms', stepSeconds: STEP },
    });
    expect(response.statusCode, response.body).toBe(201);
    const watch = response.json() as Watch;
    expect(watch.state).toBe('backfilling');
    await server.app.datasources.runner.settled(watch.id);

    const after = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watch.id}` })).json() as Watch;
    expect(after.lastError).toBeNull();
    expect(after.state).toBe('running');
    expect(after.series).toHaveLength(2);
    for (const s of after.series) {
      expect(s.ready).toBe(true);
      expect(s.samples).toBe(COUNT);
    }

    const web1 = seriesKey({ __name__: 'sco_watch_latency_ms', instance: 'web-1' });
    const scores = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watch.id}/scores?series=${encodeURIComponent(web1)}` })).json() as WatchScores;
    expect(scores.series).toHaveLength(1);
    expect(scores.series[0]!.anomalies).toContain((FROM + SPIKE_INDEX * STEP) * 1000);

    const alerts = await eventually(
      async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts' })).json() as AlertPage).items,
      (list) => list.some((a) => a.labels.target === `latency:${web1}`),
    );
    const alert = alerts.find((a) => a.labels.target === `latency:${web1}`)!;
    expect(alert.labels).toMatchObject({ alertname: 'Anomaly', source: 'anomaly' });
    expect(alert.state).toBe('firing');
    expect(alerts.some((a) => a.labels.target?.includes('web-2'))).toBe(false);
  });

  it('refuses bad PromQL and unknown sources with a clear error', async () => {
    const bad = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'bad', datasourceId: source.id, query: 'rate(', stepSeconds: 60 } });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { message: string } }).error.message).toMatch(/parse error/);
    const unknown = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'x', datasourceId: 999, query: 'up', stepSeconds: 60 } });
    expect(unknown.statusCode).toBe(400);
    expect((await server.injectAs('viewer', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'v', datasourceId: source.id, query: 'up', stepSeconds: 60 } })).statusCode).toBe(403);
  });

  it('deletes a watch', async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'doomed', datasourceId: source.id, query: 'sco_watch_latency_ms{instance="web-2"}', stepSeconds: STEP } });
    const { id } = created.json() as Watch;
    await server.app.datasources.runner.settled(id);
    expect((await server.injectAs('operator', { method: 'DELETE', url: `/api/v1/anomaly/watches/${id}` })).statusCode).toBe(204);
    expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${id}` })).statusCode).toBe(404);
  });
});
