import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import type { IncidentGroupingSettings } from '../../../shared/api/incident-grouping.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const firing = (labels: Record<string, string>): AlertEvent => ({ source: 'api', status: 'firing', labels });
const URL = '/api/v1/incidents/grouping';

describe.each(testDatabases())('incident grouping set from the console on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(async () => server?.close());

  const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
  const put = (payload: unknown, role: 'admin' | 'operator' = 'admin') => server.injectAs(role, { method: 'PUT', url: URL, payload: payload as object });

  it.skipIf(database.skip)('shows the defaults from the environment, and an admin override takes effect at once, audited', async () => {
    server = await startTestServer({
      env: { ...(await databases.fresh()), SMARTCLOUDOPS_INCIDENT_GROUP_BY: 'alertname,cluster', SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES: '15', SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE: 'false' },
      alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 },
    });
    const initial = (await server.injectAs('viewer', { method: 'GET', url: URL })).json() as IncidentGroupingSettings;
    const fromEnv = { groupBy: ['alertname', 'cluster'], windowMinutes: 15, autoResolve: false };
    expect(initial).toEqual({ effective: fromEnv, defaults: fromEnv, override: { groupBy: null, windowMinutes: null, autoResolve: null }, updatedBy: null, updatedAt: null });

    // Under the defaults, two alertnames on one host are two incidents.
    const [a, b] = await ingest(firing({ alertname: 'A', cluster: 'eu', host: 'h-1' }), firing({ alertname: 'B', cluster: 'eu', host: 'h-1' }));
    expect(a!.incidentId).not.toBe(b!.incidentId);

    const saved = await put({ groupBy: ['host|instance'], windowMinutes: 45, autoResolve: null });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      effective: { groupBy: ['host|instance'], windowMinutes: 45, autoResolve: false },
      defaults: fromEnv,
      override: { groupBy: ['host|instance'], windowMinutes: 45, autoResolve: null },
      updatedBy: 'admin',
      updatedAt: expect.any(Number),
    });
    expect(await server.app.ctx.audit.query({ action: 'incident.grouping_update' })).toMatchObject([
      { actor: 'admin', target: 'incident-grouping', outcome: 'success', details: { before: { groupBy: null }, after: { groupBy: ['host|instance'], windowMinutes: 45 } } },
    ]);
    // Now grouped by host: two alertnames on h-2 are one incident, keyed on the host.
    const [c, d] = await ingest(firing({ alertname: 'C', host: 'h-2' }), firing({ alertname: 'D', instance: 'x', host: 'h-2' }));
    expect(c!.incidentId).toBe(d!.incidentId);
    const incident = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${c!.incidentId}` })).json().incident;
    expect(incident.groupKey).toBe('host=h-2');

    // Nulls go back to the defaults.
    const reset = await put({ groupBy: null, windowMinutes: null, autoResolve: null });
    expect(reset.json()).toMatchObject({ effective: fromEnv, override: { groupBy: null, windowMinutes: null, autoResolve: null } });
  });

  it.skipIf(database.skip)('keeps the override across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-grouping-'));
    const env = await databases.fresh();
    server = await startTestServer({ dataDir, env, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    expect((await put({ groupBy: ['alertname'], windowMinutes: 5, autoResolve: false })).statusCode).toBe(200);
    // Closed without removing its data folder, then started again on it.
    await server.app.close();
    server = await startTestServer({ dataDir, env, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const after = (await server.injectAs('viewer', { method: 'GET', url: URL })).json() as IncidentGroupingSettings;
    expect(after.effective).toEqual({ groupBy: ['alertname'], windowMinutes: 5, autoResolve: false });
    expect(after.defaults).toEqual({ groupBy: ['alertname', 'service|job'], windowMinutes: 30, autoResolve: true });
    // Auto-resolve off from the console: an incident stays open when its alert resolves.
    const [alert] = await ingest(firing({ alertname: 'Solo' }));
    await server.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: { alertname: 'Solo' } }]);
    const incident = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${alert!.incidentId}` })).json().incident;
    expect(incident).toMatchObject({ status: 'open', firingCount: 0 });
  });

  it.skipIf(database.skip)('refuses bad input with 400 and non-admins with 403, changing nothing', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const cases: unknown[] = [
      { groupBy: [], windowMinutes: null, autoResolve: null },
      { groupBy: ['alert-name'], windowMinutes: null, autoResolve: null },
      { groupBy: ['service|'], windowMinutes: null, autoResolve: null },
      { groupBy: null, windowMinutes: 0, autoResolve: null },
      { groupBy: null, windowMinutes: 10_081, autoResolve: null },
      { groupBy: null, windowMinutes: 1.5, autoResolve: null },
      { groupBy: null, windowMinutes: null, autoResolve: 'yes' },
      { groupBy: null, windowMinutes: null },
      { groupBy: null, windowMinutes: null, autoResolve: null, extra: 1 },
    ];
    for (const payload of cases) {
      const response = await put(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
    }
    const duplicate = await put({ groupBy: ['service', 'job|service'], windowMinutes: null, autoResolve: null });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().error.message).toMatch(/"service" appears twice/);
    expect((await put({ groupBy: ['alertname'], windowMinutes: 5, autoResolve: true }, 'operator')).statusCode).toBe(403);
    const unchanged = (await server.injectAs('viewer', { method: 'GET', url: URL })).json() as IncidentGroupingSettings;
    expect(unchanged.updatedAt).toBeNull();
    expect(await server.app.ctx.audit.query({ action: 'incident.grouping_update' })).toHaveLength(0);
  });
});
