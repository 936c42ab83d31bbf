import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertPage, Rule } from '../../../shared/api/alerts.ts';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** One series with many labels (2,000 label pairs), odd values included. */
const LABELS: Record<string, string> = { __name__: 'wide_metric', quote: 'say "hi"', newline: 'a\nb' };
for (let i = 0; i < 2_000; i++) LABELS[`label_${i}`] = randomBytes(6).toString('hex');

/**
 * A rule's series state is kept under the series' key (its name and sorted labels), which
 * is in the state table's primary key; on PostgreSQL that index refuses entries over 2,704
 * bytes, so a PromQL rule on a series with many labels failed at every evaluation and never fired.
 */
describe('a PromQL rule on a series with thousands of labels', () => {
  let prometheus: http.Server;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = http.createServer((_request, response) => {
      const now = Math.floor(Date.now() / 1000);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: LABELS, values: [[now, '42']] }] } }));
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    server = await startTestServer({ alerts: { ruleIntervalMs: 200 } });
    await server.app.ready();
    const url = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'wide', type: 'prometheus', url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => prometheus?.close(resolve));
  });

  it('fires with the series\' labels', async () => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'WideSeries', datasourceId: source.id, expr: 'wide_metric', condition: { reducer: 'last', op: '>', threshold: 5 } } });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = (created.json() as Rule).id;
    const rule = await eventually(async () => (await server.app.alerts.rules.byId(ruleId))!, (r) => r.lastEvaluatedAt !== null && (r.series.length > 0 || r.lastError !== null));
    expect(rule.lastError).toBeNull();
    const alerts = await eventually(async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?state=firing' })).json() as AlertPage).items, (list) => list.some((a) => a.labels.alertname === 'WideSeries'));
    expect(alerts.find((a) => a.labels.alertname === 'WideSeries')!.labels).toMatchObject({ label_0: LABELS.label_0, quote: 'say "hi"' });
  });
});
