import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../shared/api/anomaly-watches.ts';
import type { Rule } from '../../../shared/api/alerts.ts';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { listenOnLoopback } from '../testing/loopback-http.ts';

/**
 * A "Prometheus" answering 200 with something else to range queries (a login page of a
 * proxy in front of it, an empty object); instant queries answer properly, so a watch can
 * be created on it.
 */
async function fakePrometheus() {
  const state = { rangeAnswer: { type: 'text/html', body: '<!doctype html><html><body>Sign in</body></html>' } };
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/api/v1/query_range')) {
      response.writeHead(200, { 'content-type': state.rangeAnswer.type }).end(state.rangeAnswer.body);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
  });
  return { state, ...(await listenOnLoopback(server)) };
}

/**
 * Rules and watches parsed a range answer as JSON and read `data.result` blindly: a 200 that
 * was not a Prometheus answer left "Unexpected token '<'…" or "Cannot read properties of
 * undefined (reading 'result')" as the rule's or the watch's error.
 */
describe('a source answering 200 with something that is not a Prometheus answer', () => {
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = await fakePrometheus();
    // The cache off: each case's answer is read anew.
    server = await startTestServer({ alerts: { ruleIntervalMs: 100 }, datasources: { cacheMaxBytes: 0, watches: { syncMs: 0 } } });
    await server.app.ready();
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'imposter', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  it('says so in the rule\'s and the watch\'s error, naming what answered', async () => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'OnImposter', datasourceId: source.id, expr: 'up', condition: { reducer: 'last', op: '<', threshold: 1 } } });
    expect(created.statusCode, created.body).toBe(201);
    const ruleId = (created.json() as Rule).id;
    const watchCreated = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'imposter', datasourceId: source.id, query: 'up', stepSeconds: 60 } });
    expect(watchCreated.statusCode, watchCreated.body).toBe(201);
    const watchId = (watchCreated.json() as Watch).id;
    await server.app.datasources.runner.settled(watchId);

    const rule = await eventually(async () => (await server.app.alerts.rules.byId(ruleId))!, (r) => r.lastError !== null);
    expect(rule.lastError).toMatch(/not a Prometheus API answer/);
    expect(rule.lastError).toMatch(/text\/html/);
    const watch = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watchId}` })).json() as Watch;
    expect(watch.lastError).toMatch(/not a Prometheus API answer/);
    expect(watch.lastError).toMatch(/<!doctype html>/);

    prometheus.state.rangeAnswer = { type: 'application/json', body: '{}' };
    const empty = await eventually(async () => (await server.app.alerts.rules.byId(ruleId))!, (r) => r.lastError !== null && !r.lastError.includes('text/html'));
    expect(empty.lastError).toMatch(/not a Prometheus API answer/);
    expect(empty.lastError).not.toMatch(/Cannot read properties/);

    // A matrix whose series are not series: a null label set, values that are not a list.
    // The rule's error was "Cannot destructure property '__name__' of 'metric' as it is null".
    prometheus.state.rangeAnswer = { type: 'application/json', body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: null, values: null }] } }) };
    const broken = await eventually(async () => (await server.app.alerts.rules.byId(ruleId))!, (r) => r.lastError !== null && !r.lastError.includes('an empty body') && !r.lastError.includes('begins "{}"'));
    expect(broken.lastError).toMatch(/not a Prometheus API answer/);
    expect(broken.lastError).toMatch(/series 1 has no label set/);
    // The watch reads its matrix through the same matrixOf; it pulls again only at its next step (60 s).

    // VictoriaMetrics cluster answers what the storage nodes it reached hold, marked isPartial:
    // a series missing from it is not gone, so the rule must not resolve it (it did).
    const now = Date.now() / 1000;
    prometheus.state.rangeAnswer = {
      type: 'application/json',
      body: JSON.stringify({ status: 'success', isPartial: true, data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', instance: 'a' }, values: [[now, '1']] }] } }),
    };
    const partial = await eventually(async () => (await server.app.alerts.rules.byId(ruleId))!, (r) => r.lastError !== null && !r.lastError.includes('series 1 has no label set'));
    expect(partial.lastError).toMatch(/answered a partial result \(isPartial\)/);
  });
});
