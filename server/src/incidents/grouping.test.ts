import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import type { Incident } from '../../../shared/api/incidents.ts';
import { incidentSettingsFromEnv } from './settings.ts';

const firing = (labels: Record<string, string>, extra: Partial<AlertEvent> = {}): AlertEvent => ({ source: 'api', status: 'firing', labels, ...extra });
const resolved = (labels: Record<string, string>): AlertEvent => ({ source: 'api', status: 'resolved', labels });

describe.each(testDatabases())('incident grouping, auto-resolve and honest counts on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(() => server?.close());

  const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
  const incident = async (id: number): Promise<Incident> => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}` })).json().incident;

  it.skipIf(database.skip)('groups the same alert on one service into one incident, whatever its instance', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    const alerts = await ingest(
      firing({ alertname: 'HighErrorRate', service: 'api', instance: 'api-1:9100' }),
      firing({ alertname: 'HighErrorRate', service: 'api', instance: 'api-2:9100' }),
      firing({ alertname: 'HighErrorRate', service: 'api', instance: 'api-3:9100' }),
      firing({ alertname: 'DiskFull', job: 'node', instance: 'db-1:9100' }),
    );
    const ids = new Set(alerts.map((alert) => alert.incidentId));
    expect(ids.size).toBe(2);
    const errors = await incident(alerts[0]!.incidentId!);
    expect(errors).toMatchObject({ title: 'HighErrorRate on api', groupKey: 'alertname=HighErrorRate,service=api', alertCount: 3, firingCount: 3 });
    expect(await incident(alerts[3]!.incidentId!)).toMatchObject({ groupKey: 'alertname=DiskFull,job=node', alertCount: 1 });
  });

  it.skipIf(database.skip)("follows Alertmanager's groupKey and groupLabels for alerts from its receiver", async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    const key = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'am', role: 'operator', scopes: ['alerts:write'] } })).json().secret as string;
    const send = (payload: object) => server.app.inject({ method: 'POST', url: '/api/v1/integrations/alertmanager', headers: { authorization: `Bearer ${key}` }, payload });
    const startsAt = new Date().toISOString();
    // A route grouping by cluster: two different alerts, one notification group.
    const first = await send({
      version: '4', status: 'firing', receiver: 'sco', groupKey: '{}/{team="db"}:{cluster="eu-1"}', groupLabels: { cluster: 'eu-1' },
      alerts: [
        { status: 'firing', labels: { alertname: 'ReplicationLag', cluster: 'eu-1', instance: 'db-1:9100' }, startsAt },
        { status: 'firing', labels: { alertname: 'SlowQueries', cluster: 'eu-1', instance: 'db-2:9100' }, startsAt },
      ],
    });
    expect(first.statusCode).toBe(200);
    const [lag, slow] = first.json().alertIds as number[];
    const alertOf = async (id: number) => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${id}` })).json();
    const lagIncident = (await alertOf(lag!)).incidentId;
    expect((await alertOf(slow!)).incidentId).toBe(lagIncident);
    expect(await incident(lagIncident)).toMatchObject({ groupKey: 'alertmanager:cluster=eu-1', title: 'ReplicationLag on eu-1', alertCount: 2 });

    // Another group of the same route is another incident, even for the same alertname.
    const other = await send({
      version: '4', status: 'firing', groupKey: '{}/{team="db"}:{cluster="us-1"}', groupLabels: { cluster: 'us-1' },
      alerts: [{ status: 'firing', labels: { alertname: 'ReplicationLag', cluster: 'us-1', instance: 'db-9:9100' }, startsAt }],
    });
    expect((await alertOf(other.json().alertIds[0])).incidentId).not.toBe(lagIncident);

    // A payload without a group (a hand-made one) falls back to the configured group-by.
    const bare = await send({ alerts: [{ status: 'firing', labels: { alertname: 'ReplicationLag', cluster: 'ap-1', service: 'pg' }, startsAt }] });
    expect(await incident((await alertOf(bare.json().alertIds[0])).incidentId)).toMatchObject({ groupKey: 'alertname=ReplicationLag,service=pg' });
  });

  it.skipIf(database.skip)('resolves an incident when all its alerts resolve, and counts acknowledged alerts apart from firing ones', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    const [a, b] = await ingest(firing({ alertname: 'Latency', service: 'api', instance: 'a' }), firing({ alertname: 'Latency', service: 'api', instance: 'b' }));
    const id = a!.incidentId!;
    expect(b!.incidentId).toBe(id);
    const ack = await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${a!.id}/acknowledge`, payload: { comment: 'looking' } });
    expect(ack.statusCode).toBe(200);
    expect(await incident(id)).toMatchObject({ status: 'open', alertCount: 2, firingCount: 1, acknowledgedCount: 1 });

    await ingest(resolved({ alertname: 'Latency', service: 'api', instance: 'b' }));
    // One acknowledged alert is still unresolved: the incident stays open.
    expect(await incident(id)).toMatchObject({ status: 'open', firingCount: 0, acknowledgedCount: 1 });
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${a!.id}/resolve`, payload: { comment: 'fixed' } });
    const closed = await incident(id);
    expect(closed).toMatchObject({ status: 'resolved', firingCount: 0, acknowledgedCount: 0, resolvedAt: expect.any(Number) });
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}/timeline` })).json();
    expect(timeline.at(-1)).toMatchObject({ kind: 'status_changed', actor: 'system', data: { to: 'resolved', auto: true } });
    expect(await server.app.ctx.audit.query({ action: 'incident.auto_resolve' })).toHaveLength(1);

    // The same alert firing again within the window reopens it (reopen.test.ts) rather than opening another.
    const [again] = await ingest(firing({ alertname: 'Latency', service: 'api', instance: 'b' }));
    expect(again!.incidentId).toBe(id);
    expect(await incident(id)).toMatchObject({ status: 'open', firingCount: 1, resolvedAt: null });
  });

  it.skipIf(database.skip)('decides a batch alert by alert, as the same alerts sent one by one', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    // One batch: an alert opens an incident and resolves (so does the incident), then its
    // group fires again (the incident reopens within the window, as alone: reopen.test.ts),
    // then more of that group join it.
    const [first, , again, more, other] = await ingest(
      firing({ alertname: 'Batch', service: 'api', instance: 'a' }),
      resolved({ alertname: 'Batch', service: 'api', instance: 'a' }),
      firing({ alertname: 'Batch', service: 'api', instance: 'b' }),
      firing({ alertname: 'Batch', service: 'api', instance: 'c' }, { severity: 'critical' }),
      firing({ alertname: 'Other', service: 'api' }),
    );
    expect(again!.incidentId).toBe(first!.incidentId);
    expect(more!.incidentId).toBe(again!.incidentId);
    expect(other!.incidentId).not.toBe(again!.incidentId);
    expect(await incident(again!.incidentId!)).toMatchObject({ status: 'open', resolvedAt: null, severity: 'critical', alertCount: 3, firingCount: 2 });
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${first!.incidentId}/timeline` })).json() as Array<{ kind: string }>;
    expect(timeline.map((entry) => entry.kind).filter((kind) => kind === 'status_changed' || kind === 'reopened')).toEqual(['status_changed', 'reopened']);
  });

  it.skipIf(database.skip)('leaves the incident open when auto-resolve is off', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0, grouping: { autoResolve: false } } });
    const [a] = await ingest(firing({ alertname: 'Latency', service: 'api' }));
    await ingest(resolved({ alertname: 'Latency', service: 'api' }));
    expect(await incident(a!.incidentId!)).toMatchObject({ status: 'open', firingCount: 0, acknowledgedCount: 0, alertCount: 1 });
  });

  it.skipIf(database.skip)('reads group-by, window and auto-resolve from the environment', () => {
    expect(incidentSettingsFromEnv({})).toEqual({});
    expect(incidentSettingsFromEnv({ SMARTCLOUDOPS_INCIDENT_GROUP_BY: 'alertname, cluster|region', SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES: '15', SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE: 'off' }))
      .toEqual({ groupBy: ['alertname', 'cluster|region'], windowMs: 15 * 60_000, autoResolve: false });
    expect(() => incidentSettingsFromEnv({ SMARTCLOUDOPS_INCIDENT_GROUP_BY: 'alert-name' })).toThrow(/SMARTCLOUDOPS_INCIDENT_GROUP_BY/);
    expect(() => incidentSettingsFromEnv({ SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE: 'maybe' })).toThrow(/SMARTCLOUDOPS_INCIDENT_AUTO_RESOLVE/);
    expect(() => incidentSettingsFromEnv({ SMARTCLOUDOPS_INCIDENT_GROUP_WINDOW_MINUTES: '0' })).toThrow(/WINDOW_MINUTES/);
  });

  it.skipIf(database.skip)('takes the grouping from the environment at start-up', async () => {
    server = await startTestServer({ env: { ...(await databases.fresh()), SMARTCLOUDOPS_INCIDENT_GROUP_BY: 'instance' }, alerts: { sweepIntervalMs: 0 } });
    const [a, b] = await ingest(firing({ alertname: 'A', instance: 'x' }), firing({ alertname: 'B', instance: 'x' }));
    expect(a!.incidentId).toBe(b!.incidentId);
  });
});
