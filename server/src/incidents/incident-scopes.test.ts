import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * An API key scoped to `incidents:read` (a status page's) read, through the incident's
 * detail and export, the alerts with every label and annotation, their history, the silences
 * that covered them (matchers, author, comment) and the metric summaries: what `alerts:read` and `metrics:read` guard on their own routes, and what the
 * search and the live stream already leave out for such a key.
 */
describe('an incident read with a key scoped to incidents:read', () => {
  let server: TestServer;
  let incidentId: number;
  const keyWith = async (scopes: string[]) => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: scopes.join('+'), role: 'viewer', scopes } });
    expect(created.statusCode).toBe(201);
    const { secret } = created.json() as { secret: string };
    return (url: string) => server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
  };

  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0 } });
    const now = Date.now();
    await server.app.metrics.ingest([{ name: 'disk_used', labels: { target: 'db-7' }, samples: [[now - 60_000, 0.97]] }]);
    const [outcome] = await server.app.alerts.service.ingest([
      { source: 'api', status: 'firing', labels: { alertname: 'DiskFull', target: 'db-7' }, annotations: { summary: 'vault token in /etc/app.env' } },
    ]);
    incidentId = outcome!.alert.incidentId!;
    const silence = await server.injectAs('operator', {
      method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'target', value: 'db-7', op: '=' }], endsAt: now + 3_600_000, comment: 'migrating the customer db' },
    });
    expect(silence.statusCode).toBe(201);
  });
  afterAll(() => server.close());

  it('leaves out the alerts, their silences and the metrics', async () => {
    const get = await keyWith(['incidents:read']);
    const detail = await get(`/api/v1/incidents/${incidentId}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ incident: { id: incidentId }, alerts: [] });

    const bundle = (await get(`/api/v1/incidents/${incidentId}/export`)).json() as Record<string, unknown> & { metricsWindow: Record<string, unknown> };
    expect(bundle).toMatchObject({ incident: { id: incidentId }, alerts: [], alertHistory: [], silences: [] });
    expect(bundle.metricsWindow).toMatchObject({ selectors: [], series: [] });
    const md = (await get(`/api/v1/incidents/${incidentId}/export?format=md`)).body;
    expect(md).toContain(`from incident #${incidentId}`);
    // The title and the timeline are the incident's own, and name the alert as they do for anyone.
    expect(md).toContain('- **Alerts:** 1, not shown (they need the alerts:read permission)');
    for (const hidden of ['| 1 | DiskFull', 'migrating the customer', '0.97', 'disk_used']) expect(md).not.toContain(hidden);
  });

  it('gives them to a key that may read them', async () => {
    const get = await keyWith(['incidents:read', 'alerts:read', 'metrics:read']);
    expect(((await get(`/api/v1/incidents/${incidentId}`)).json() as { alerts: unknown[] }).alerts).toHaveLength(1);
    const bundle = (await get(`/api/v1/incidents/${incidentId}/export`)).json() as { alerts: unknown[]; silences: unknown[]; metricsWindow: { series: unknown[] } };
    expect(bundle.alerts).toHaveLength(1);
    expect(bundle.silences).toHaveLength(1);
    expect(bundle.metricsWindow.series).toHaveLength(1);
    const md = (await get(`/api/v1/incidents/${incidentId}/export?format=md`)).body;
    for (const shown of ['- **Alerts:** 1 (1 still unresolved)', '| 1 | DiskFull', '0.97', 'disk_used']) expect(md).toContain(shown);
  });
});
