import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertPage, Rule } from '../../../shared/api/alerts.ts';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { REFUSED_URL, prometheusMissing, startPrometheus, waitForSeries, type RunningPrometheus } from '../testing/prometheus.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const MISSING = prometheusMissing();
if (MISSING) console.warn(`PromQL rule tests ${MISSING}`);

describe.skipIf(MISSING !== null)('threshold rules on a PromQL expression', () => {
  let prometheus: RunningPrometheus;
  let exporter: http.Server;
  let server: TestServer;
  let source: Datasource;
  let value = 1;

  beforeAll(async () => {
    exporter = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`# TYPE sco_queue_depth gauge\nsco_queue_depth{queue="payments"} ${value}\n`));
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const { port } = exporter.address() as net.AddressInfo;
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`] });
    await waitForSeries(prometheus, 'sco_queue_depth');
    server = await startTestServer({ alerts: { ruleIntervalMs: 250 } });
    await server.app.ready();
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 1 } })).json() as Datasource;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.stop();
    exporter?.closeAllConnections();
    await new Promise((resolve) => exporter?.close(resolve));
  });

  const alerts = async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?state=firing' })).json() as AlertPage).items;

  it('fires after `for` with the series labels kept, and resolves when the condition stops holding', async () => {
    const created = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/alert-rules',
      payload: {
        name: 'QueueBacklog',
        datasourceId: source.id,
        // The window holds a high value for its whole length after it ends, so the resolve
        // below waits that long: 5 s of 1 s scrapes still spans a scrape or two a busy machine delays.
        expr: 'max_over_time(sco_queue_depth[5s])',
        condition: { reducer: 'last', op: '>', threshold: 5 },
        windowSeconds: 30,
        forSeconds: 2,
        labels: { team: 'payments' },
        annotations: { summary: 'Queue {{labels.queue}} at {{value}}' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json() as Rule;
    expect(rule).toMatchObject({ datasourceId: source.id, expr: 'max_over_time(sco_queue_depth[5s])', selector: '' });

    // Below the threshold: evaluated, nothing pending.
    await eventually(async () => (await server.app.alerts.rules.byId(rule.id))!, (r) => r.lastEvaluatedAt !== null && r.lastError === null);
    expect((await server.app.alerts.rules.byId(rule.id))!.series).toHaveLength(0);

    value = 42;
    const pending = await eventually(async () => (await server.app.alerts.rules.byId(rule.id))!, (r) => r.series.length === 1);
    expect(pending.series[0]!.state).toBe('pending');
    const firing = await eventually(alerts, (list) => list.some((a) => a.labels.alertname === 'QueueBacklog'));
    const alert = firing.find((a) => a.labels.alertname === 'QueueBacklog')!;
    expect(alert.labels).toMatchObject({ queue: 'payments', job: 'test', team: 'payments', rule: 'QueueBacklog' });
    expect(alert.annotations.summary).toBe('Queue payments at 42');

    value = 1;
    await eventually(alerts, (list) => !list.some((a) => a.labels.alertname === 'QueueBacklog'));
  });

  it('reports a source that is down in the rule, and refuses half a PromQL rule', async () => {
    const down = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'down', type: 'prometheus', url: REFUSED_URL } })).json() as Datasource;
    const created = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/alert-rules',
      payload: { name: 'DownSource', datasourceId: down.id, expr: 'up', condition: { reducer: 'last', op: '<', threshold: 1 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const rule = await eventually(async () => (await server.app.alerts.rules.byId((created.json() as Rule).id))!, (r) => r.lastError !== null);
    expect(rule.lastError).toMatch(/Connection refused/);

    const half = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'Half', expr: 'up', condition: { reducer: 'last', op: '<', threshold: 1 } } });
    expect(half.statusCode).toBe(400);
    const both = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'Both', selector: 'up', datasourceId: source.id, expr: 'up', condition: { reducer: 'last', op: '<', threshold: 1 } } });
    expect(both.statusCode).toBe(400);
  });
});
