import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import type { Incident, TimelineEntry } from '../../../shared/api/incidents.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const MINUTE = 60_000;
const firing = (labels: Record<string, string>): AlertEvent => ({ source: 'api', status: 'firing', labels, severity: 'critical' });
const resolved = (labels: Record<string, string>): AlertEvent => ({ source: 'api', status: 'resolved', labels });

/** A clock the test moves by hand, starting at the real time (tokens are checked against it). */
function manualClock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe.each(testDatabases())('an alert firing again in a closed incident on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(() => server?.close());

  const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
  const incident = async (id: number): Promise<Incident> => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}` })).json().incident;
  const timeline = async (id: number): Promise<TimelineEntry[]> => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}/timeline` })).json();
  const incidentCount = async (): Promise<number> => (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents' })).json().total;

  it.skipIf(database.skip)('reopens an auto-resolved incident within the group window, with a "reopened" entry, instead of opening another', async () => {
    const clock = manualClock();
    server = await startTestServer({ env: await databases.fresh(), now: clock.now, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0, grouping: { windowMs: 30 * MINUTE } } });
    const events: StreamEvent[] = [];
    server.app.ctx.events.subscribe((event) => events.push(event));
    const labels = { alertname: 'HighErrorRate', service: 'checkout', instance: 'c-1:9100' };
    const [first] = await ingest(firing(labels));
    const id = first!.incidentId!;
    clock.advance(2 * MINUTE);
    await ingest(resolved(labels));
    expect(await incident(id)).toMatchObject({ status: 'resolved', resolvedAt: clock.now() });

    clock.advance(10 * MINUTE);
    const [again] = await ingest(firing(labels));
    expect(again).toMatchObject({ id: first!.id, state: 'firing', incidentId: id });
    expect(await incident(id)).toMatchObject({ status: 'open', resolvedAt: null, firingCount: 1, alertCount: 1, lastActivityAt: clock.now() });
    expect(await incidentCount()).toBe(1);

    const entries = await timeline(id);
    const kinds = entries.map((entry) => entry.kind);
    expect(kinds).toEqual(['incident_opened', 'alert_firing', 'alert_resolved', 'status_changed', 'reopened', 'alert_firing']);
    expect(entries[4]).toMatchObject({ kind: 'reopened', actor: 'system', alertId: first!.id, data: { from: 'resolved', to: 'open' } });
    expect(entries[4]!.text).toBe('Incident reopened: HighErrorRate on c-1:9100 fired again 10 min after it was resolved');
    expect(events.some((event) => event.type === 'incident' && event.data.action === 'reopened' && event.data.incident.id === id)).toBe(true);
    expect(await server.app.ctx.audit.query({ action: 'incident.reopen' })).toMatchObject([{ target: `incident:${id}`, actor: 'system', outcome: 'success' }]);

    // The state keeps following its alerts: resolved again, then past the window a new incident.
    await ingest(resolved(labels));
    expect(await incident(id)).toMatchObject({ status: 'resolved' });
    clock.advance(31 * MINUTE);
    const [late] = await ingest(firing(labels));
    expect(late!.incidentId).not.toBe(id);
    expect(await incident(id)).toMatchObject({ status: 'resolved' });
    expect(await incident(late!.incidentId!)).toMatchObject({ status: 'open', alertCount: 1 });
  });

  it.skipIf(database.skip)('reopens a resolved incident of the same group for another alert of it, and a mitigated one too', async () => {
    const clock = manualClock();
    server = await startTestServer({ env: await databases.fresh(), now: clock.now, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const [a] = await ingest(firing({ alertname: 'Latency', service: 'api', instance: 'a' }));
    const id = a!.incidentId!;
    // Resolved by hand (not automatically) while its alert still fires, then the alert resolves.
    const resolve = await server.injectAs('operator', { method: 'PATCH', url: `/api/v1/incidents/${id}`, payload: { status: 'resolved', comment: 'rolled back' } });
    expect(resolve.statusCode, resolve.body).toBe(200);
    await ingest(resolved({ alertname: 'Latency', service: 'api', instance: 'a' }));
    clock.advance(5 * MINUTE);
    // Another instance of the same group.
    const [b] = await ingest(firing({ alertname: 'Latency', service: 'api', instance: 'b' }));
    expect(b!.incidentId).toBe(id);
    expect(await incident(id)).toMatchObject({ status: 'open', alertCount: 2, firingCount: 1 });

    const mitigate = await server.injectAs('operator', { method: 'PATCH', url: `/api/v1/incidents/${id}`, payload: { status: 'mitigated' } });
    expect(mitigate.statusCode).toBe(200);
    clock.advance(MINUTE);
    const [c] = await ingest(firing({ alertname: 'Latency', service: 'api', instance: 'c' }));
    expect(c!.incidentId).toBe(id);
    expect(await incident(id)).toMatchObject({ status: 'open', mitigatedAt: null, firingCount: 2 });
    expect((await timeline(id)).filter((entry) => entry.kind === 'reopened').map((entry) => entry.data.from)).toEqual(['resolved', 'mitigated']);
    expect(await incidentCount()).toBe(1);
  });

  it.skipIf(database.skip)('never reopens an incident that was merged into another', async () => {
    const clock = manualClock();
    server = await startTestServer({ env: await databases.fresh(), now: clock.now, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0, grouping: { groupBy: ['instance'] } } });
    const [x] = await ingest(firing({ alertname: 'X', instance: 'h-1' }));
    const [y] = await ingest(firing({ alertname: 'Y', instance: 'h-2' }));
    const merged = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${x!.incidentId}/merge`, payload: { incidentIds: [y!.incidentId] } });
    expect(merged.statusCode, merged.body).toBe(200);
    // Y's alert now belongs to X's incident; its old incident stays closed as merged.
    await ingest(resolved({ alertname: 'Y', instance: 'h-2' }));
    await ingest(resolved({ alertname: 'X', instance: 'h-1' }));
    expect(await incident(x!.incidentId!)).toMatchObject({ status: 'resolved' });
    clock.advance(MINUTE);
    const [again] = await ingest(firing({ alertname: 'Y', instance: 'h-2' }));
    expect(again!.incidentId).toBe(x!.incidentId);
    expect(await incident(y!.incidentId!)).toMatchObject({ status: 'resolved', mergedInto: x!.incidentId });
  });
});
