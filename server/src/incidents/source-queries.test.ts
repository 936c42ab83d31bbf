import { afterEach, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { IncidentBundleSchema, type IncidentSourceQuery } from '../../../shared/api/incidents.ts';

/** Data-source (PromQL) queries on an incident's metrics panel, stored with the incident and in its bundle. */
// Three roles sign in (argon2 each): CPU-bound, so a ceiling above the 30 s default for a loaded machine.
describe('incident source queries', { timeout: 120_000 }, () => {
  let server: TestServer;
  afterEach(() => server?.close());

  async function setUp() {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const [outcome] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HighLatency', target: 'web-1' } }]);
    const incidentId = outcome!.alert.incidentId!;
    const source = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: 'http://127.0.0.1:9' } });
    expect(source.statusCode, source.body).toBe(201);
    return { incidentId, datasourceId: (source.json() as { id: number }).id };
  }
  const url = (incidentId: number, rest = '') => `/api/v1/incidents/${incidentId}/source-queries${rest}`;

  it('an operator adds and removes a query; viewers read it; each change is audited and the bundle carries it', async () => {
    const { incidentId, datasourceId } = await setUp();
    const payload = { datasourceId, query: 'histogram_quantile(0.99, rate(http_seconds_bucket[5m]))', title: 'p99 latency' };
    expect((await server.injectAs('viewer', { method: 'POST', url: url(incidentId), payload })).statusCode).toBe(403);
    const added = await server.injectAs('operator', { method: 'POST', url: url(incidentId), payload });
    expect(added.statusCode, added.body).toBe(201);
    const query = added.json() as IncidentSourceQuery;
    expect(query).toMatchObject({ incidentId, datasourceId, query: payload.query, title: 'p99 latency', createdBy: 'test-operator' });

    expect((await server.injectAs('viewer', { method: 'GET', url: url(incidentId) })).json()).toEqual([query]);
    const bundle = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export` })).json();
    expect(Compile(IncidentBundleSchema).Check(bundle)).toBe(true);
    expect(bundle.sourceQueries).toEqual([query]);

    const removed = await server.injectAs('operator', { method: 'DELETE', url: url(incidentId, `/${query.id}`) });
    expect(removed.statusCode).toBe(200);
    expect((await server.injectAs('viewer', { method: 'GET', url: url(incidentId) })).json()).toEqual([]);
    expect((await server.injectAs('operator', { method: 'DELETE', url: url(incidentId, `/${query.id}`) })).statusCode).toBe(404);
    const audited = await server.app.ctx.audit.query({ action: 'incident.source_query.*' });
    expect(audited.map((entry) => [entry.action, entry.target, entry.actor])).toEqual([
      ['incident.source_query.remove', `incident:${incidentId}`, 'test-operator'],
      ['incident.source_query.add', `incident:${incidentId}`, 'test-operator'],
    ]);
  });

  it('refuses an unknown source, an unknown incident, a query of another incident and bad bodies with 4xx', async () => {
    const { incidentId, datasourceId } = await setUp();
    const unknownSource = await server.injectAs('operator', { method: 'POST', url: url(incidentId), payload: { datasourceId: datasourceId + 100, query: 'up' } });
    expect(unknownSource.statusCode).toBe(400);
    expect(unknownSource.json().error.code).toBe('E_VALIDATION');
    expect((await server.injectAs('operator', { method: 'POST', url: url(9999), payload: { datasourceId, query: 'up' } })).statusCode).toBe(404);
    for (const payload of [{ datasourceId, query: '' }, { datasourceId: 'one', query: 'up' }, { query: 'up' }, { datasourceId, query: 'x'.repeat(4097) }]) {
      const response = await server.injectAs('operator', { method: 'POST', url: url(incidentId), payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const other = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'DiskFull', target: 'db-9' } }]))[0]!.alert.incidentId!;
    const query = (await server.injectAs('operator', { method: 'POST', url: url(other), payload: { datasourceId, query: 'up' } })).json() as IncidentSourceQuery;
    expect((await server.injectAs('operator', { method: 'DELETE', url: url(incidentId, `/${query.id}`) })).statusCode).toBe(404);
  });
});
