import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import type { FleetHealth, FleetTarget } from '../../../shared/api/fleet.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** A clock the test moves by hand, starting at the real time (tokens are checked against it). */
function manualClock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const MINUTE = 60_000;

describe('GET /api/v1/fleet/health', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  const health = async (): Promise<FleetHealth> => {
    const response = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/fleet/health' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const target = (fleet: FleetHealth, name: string): FleetTarget | undefined => fleet.targets.find((one) => one.name === name);

  it('counts each target once from metrics and alerts, never negative, with the reason for each unhealthy one', async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const t0 = clock.now();
    await server.app.metrics.ingest([
      { name: 'app_requests_total', labels: { host: 'web-1' }, samples: [[t0, 10]] },
      { name: 'app_requests_total', labels: { host: 'web-2' }, samples: [[t0, 12]] },
      // Silent for 20 minutes.
      { name: 'app_requests_total', labels: { host: 'db-1' }, samples: [[t0 - 20 * MINUTE, 3]] },
      // A scrape that answers nothing: `up` 0 for its instance.
      { name: 'up', labels: { instance: 'api-1:9100' }, samples: [[t0, 0]] },
      // No label names a target: not counted as one.
      { name: 'app_build_info', labels: {}, samples: [[t0, 1]] },
    ]);
    // Alertmanager instances we collect nothing from, and one on a host we do.
    const key = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'am', role: 'operator', scopes: ['alerts:write'] } })).json().secret as string;
    const startsAt = new Date(t0 - MINUTE).toISOString();
    const pushed = await server.app.inject({
      method: 'POST', url: '/api/v1/integrations/alertmanager', headers: { authorization: `Bearer ${key}` },
      payload: {
        version: '4', status: 'firing',
        alerts: ['ext-1', 'ext-2', 'ext-3', 'web-1'].map((host) => ({ status: 'firing', labels: { alertname: 'HighErrorRate', service: 'api', instance: `${host}:9100`, severity: 'critical' }, startsAt })),
      },
    });
    expect(pushed.statusCode, pushed.body).toBe(200);
    const [ext1Alert, , , web1Alert] = pushed.json().alertIds as number[];
    // A target named only by an alert that already resolved: known, health unknown.
    const ingest = (...events: AlertEvent[]) => server.app.alerts.service.ingest(events);
    await ingest({ source: 'api', status: 'firing', labels: { alertname: 'DiskFull', host: 'ext-4' } });
    await ingest({ source: 'api', status: 'resolved', labels: { alertname: 'DiskFull', host: 'ext-4' } });

    const fleet = await health();
    expect(fleet).toMatchObject({ total: 8, healthy: 1, unhealthy: 6, unknown: 1 });
    expect(fleet.healthy + fleet.unhealthy + fleet.unknown).toBe(fleet.total);
    expect(fleet.targets.map((one) => one.name).sort()).toEqual(['api-1', 'db-1', 'ext-1', 'ext-2', 'ext-3', 'ext-4', 'web-1', 'web-2']);
    expect(target(fleet, 'web-2')).toMatchObject({ health: 'healthy', sources: ['metrics'], reasons: [], lastSampleAt: t0 });
    // `web-1` (host label) and `web-1:9100` (the alert's instance) are one target.
    expect(target(fleet, 'web-1')).toMatchObject({ health: 'unhealthy', sources: ['alerts', 'metrics'], instances: ['web-1', 'web-1:9100'], activeAlerts: 1, reasons: ['HighErrorRate (critical) firing'] });
    expect(target(fleet, 'db-1')).toMatchObject({ health: 'unhealthy', reasons: ['silent: no samples for 20 min'] });
    expect(target(fleet, 'api-1')).toMatchObject({ health: 'unhealthy', reasons: ['scrape of api-1:9100 failing (up = 0)'] });
    expect(target(fleet, 'ext-1')).toMatchObject({ health: 'unhealthy', sources: ['alerts'], lastSampleAt: null, reasons: ['HighErrorRate (critical) firing'] });
    expect(target(fleet, 'ext-4')).toMatchObject({ health: 'unknown', sources: ['alerts'], activeAlerts: 0, reasons: ['known only from alerts: nothing is collected from it here'] });
    // Unhealthy first, then unknown, then healthy.
    expect(fleet.targets.map((one) => one.health)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unknown', 'healthy']);

    // A page of them by `limit` and `offset`, the counts still the whole fleet's.
    const page = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/fleet/health?limit=3&offset=6' });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ total: 8, unhealthy: 6, offset: 6, nextOffset: null });
    expect((page.json() as FleetHealth).targets.map((one) => one.health)).toEqual(['unknown', 'healthy']);

    // Acknowledged is still unhealthy (someone is on it); resolved is not.
    const ack = await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${ext1Alert}/acknowledge`, payload: { comment: 'looking' } });
    expect(ack.statusCode).toBe(200);
    expect(target(await health(), 'ext-1')).toMatchObject({ health: 'unhealthy', reasons: ['HighErrorRate (critical) acknowledged by test-operator'] });
    const resolve = await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${web1Alert}/resolve`, payload: {} });
    expect(resolve.statusCode, resolve.body).toBe(200);
    const after = await health();
    expect(target(after, 'web-1')).toMatchObject({ health: 'healthy', activeAlerts: 0 });
    expect(after).toMatchObject({ total: 8, healthy: 2, unhealthy: 5, unknown: 1 });

    // Time passes with no samples: every collected target goes silent; counts still add up.
    clock.advance(10 * MINUTE);
    const later = await health();
    expect(target(later, 'web-2')).toMatchObject({ health: 'unhealthy', reasons: ['silent: no samples for 10 min'] });
    expect(later).toMatchObject({ total: 8, healthy: 0 });
    expect(later.healthy + later.unhealthy + later.unknown).toBe(later.total);
  });

  it('is empty on an empty server and asks for a signed-in reader', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    expect(await health()).toMatchObject({ total: 0, healthy: 0, unhealthy: 0, unknown: 0, targets: [] });
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/fleet/health' })).statusCode).toBe(401);
    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'limit=ten']) {
      expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/fleet/health?${query}` })).statusCode, query).toBe(400);
    }
  });
});
