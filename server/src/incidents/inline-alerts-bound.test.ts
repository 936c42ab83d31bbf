import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { IncidentBundle, IncidentDetail } from '../../../shared/api/incidents.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { MAX_INLINE_INCIDENT_ALERTS } from './inline-alerts.ts';

const EXTRA = 5;

/**
 * Fourth attack round, left then: an incident's detail and export carried every alert
 * inline (20,000 alerts were 8 MB in 0.5 s, the export 19 MB in 1.9 s, an `alerts:write`
 * key raises that many in seconds). They carry the first 1,000 now — the unresolved ones
 * first — in the same shape: `incident.alertCount` says how many there are, and
 * `GET /alerts?incidentId=` lists them all.
 */
describe("an incident's alerts inline", { timeout: 120_000 }, () => {
  let server: TestServer;
  let incidentId = 0;
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const total = MAX_INLINE_INCIDENT_ALERTS + EXTRA;
    const alert = (i: number) => ({ status: 'firing', labels: { alertname: 'FleetDown', service: 'fleet', instance: `node-${i}` }, startsAt: 1_800_000_000_000 + i * 1000 });
    for (let start = 0; start < total; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, total - start) }, (_, i) => alert(start + i));
      const pushed = await server.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: batch } });
      expect(pushed.statusCode, pushed.body).toBe(200);
    }
    // The earliest one resolved: the unresolved are kept first.
    const first = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?label=instance=node-0' })).json() as { items: Alert[] }).items[0]!;
    incidentId = first.incidentId!;
    expect((await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${first.id}/resolve`, payload: {} })).statusCode).toBe(200);
  });
  afterAll(() => server.close());

  it('GET /incidents/:id carries the first 1,000, unresolved first, in start order; alertCount and the alerts route tell the rest', async () => {
    const detail = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}` })).json() as IncidentDetail;
    expect(detail.incident.alertCount).toBe(MAX_INLINE_INCIDENT_ALERTS + EXTRA);
    expect(detail.alerts).toHaveLength(MAX_INLINE_INCIDENT_ALERTS);
    expect(detail.alerts.every((a) => a.state === 'firing')).toBe(true);
    const starts = detail.alerts.map((a) => a.startsAt);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const listed = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts?incidentId=${incidentId}&limit=1` })).json() as { total: number };
    expect(listed.total).toBe(MAX_INLINE_INCIDENT_ALERTS + EXTRA);
  });

  it('the export carries the same 1,000 and says, in the Markdown, how many are left out and where to find them', async () => {
    const bundle = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=json` })).json() as IncidentBundle;
    expect(bundle.alerts).toHaveLength(MAX_INLINE_INCIDENT_ALERTS);
    const markdown = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=md` })).body;
    expect(markdown).toContain(`- **Alerts:** ${MAX_INLINE_INCIDENT_ALERTS + EXTRA}`);
    expect(markdown).toContain(`The first ${MAX_INLINE_INCIDENT_ALERTS} of ${MAX_INLINE_INCIDENT_ALERTS + EXTRA} alerts are listed (unresolved first); \`GET /api/v1/alerts?incidentId=${incidentId}\` lists them all.`);
  });
});
