import { afterEach, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import { IncidentBundleSchema, type Incident, type TimelineEntry } from '../../../shared/api/incidents.ts';

const firing = (labels: Record<string, string>, extra: Partial<AlertEvent> = {}): AlertEvent => ({ source: 'api', status: 'firing', labels, ...extra });

/** A clock the test moves by hand, starting at the real time (tokens are checked against it). */
function manualClock() {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe.each(testDatabases())('incidents on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  afterEach(() => server?.close());

  const timelineOf = async (id: number): Promise<TimelineEntry[]> => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}/timeline` })).json();

  it.skipIf(database.skip)('groups alerts of one target within the window into one incident, with the highest severity', async () => {
    const clock = manualClock();
    server = await startTestServer({ env: await databases.fresh(), now: clock.now, alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['target'], windowMs: 10 * 60_000 } } });
    const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
    const [cpu] = await ingest(firing({ alertname: 'HighCpu', target: 'web-1' }, { severity: 'warning' }));
    clock.advance(5 * 60_000);
    const [latency, other] = await ingest(
      firing({ alertname: 'HighLatency', target: 'web-1' }, { severity: 'critical' }),
      firing({ alertname: 'HighCpu', target: 'db-1' }, { severity: 'info' }),
    );
    expect(latency!.incidentId).toBe(cpu!.incidentId);
    expect(other!.incidentId).not.toBe(cpu!.incidentId);
    const detail = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${cpu!.incidentId}` })).json();
    expect(detail.incident).toMatchObject({ severity: 'critical', status: 'open', groupKey: 'target=web-1', alertCount: 2, firingCount: 2 });
    expect(detail.alerts.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual(['HighCpu', 'HighLatency']);

    // Past the window, the same target opens a new incident.
    clock.advance(11 * 60_000);
    const [late] = await ingest(firing({ alertname: 'DiskFull', target: 'web-1' }));
    expect(late!.incidentId).not.toBe(cpu!.incidentId);

    // Alerts without a target group on their alertname.
    const [a, b] = await ingest(firing({ alertname: 'Backup' }), firing({ alertname: 'Backup', job: 'nightly' }));
    expect(a!.incidentId).toBe(b!.incidentId);

    const list = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents?status=open&sort=severity&order=desc' })).json();
    expect(list.total).toBe(4);
    expect(list.items[0].id).toBe(cpu!.incidentId);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents?q=db-1' })).json().items.map((i: Incident) => i.id)).toEqual([other!.incidentId]);
    const byLabel = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents?label=alertname=HighLatency' })).json();
    expect(byLabel.items.map((i: Incident) => i.id)).toEqual([cpu!.incidentId]);
  });

  it.skipIf(database.skip)('records a scripted incident in order and exports it as Markdown and JSON', async () => {
    const clock = manualClock();
    // One incident per target, as an operator would configure it (SMARTCLOUDOPS_INCIDENT_GROUP_BY=target).
    server = await startTestServer({ env: await databases.fresh(), now: clock.now, alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['target'] } } });
    const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
    const as = (role: 'operator' | 'admin', method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => {
      clock.advance(1000);
      return server.injectAs(role, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
    };

    const t0 = clock.now();
    await server.app.metrics.ingest([{ name: 'node_cpu_usage_ratio', labels: { target: 'web-1' }, samples: [[t0 - 60_000, 0.4], [t0 - 30_000, 0.95], [t0, 0.97]] }]);
    const [cpu] = await ingest(firing({ alertname: 'HighCpu', target: 'web-1' }, { severity: 'warning', annotations: { summary: 'CPU above 90%', runbook_url: 'https://runbooks/cpu' } }));
    const incidentId = cpu!.incidentId!;
    clock.advance(1000);
    await server.app.alerts.alarms.raise({ target: 'web-1', ts: clock.now(), score: 0.95, threshold: 0.6, explanation: 'cpu 4.1σ above its 24 h baseline', features: [{ name: 'cpu', value: 0.97, zScore: 4.1 }] });
    const anomalyAlert = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=anomaly' })).json().items[0];
    expect(anomalyAlert.incidentId).toBe(incidentId);

    await as('operator', 'PATCH', `/incidents/${incidentId}`, { commander: 'test-operator' });
    await as('operator', 'POST', `/alerts/${cpu!.id}/acknowledge`, { comment: 'on it' });
    const note = (await as('operator', 'POST', `/incidents/${incidentId}/notes`, { text: 'Restarting the worker pool' })).json();
    await as('operator', 'POST', '/silences', { matchers: [{ name: 'alertname', op: '=', value: 'Anomaly' }], durationSeconds: 3600, comment: 'known cause' });
    const edited = await as('operator', 'PUT', `/incidents/${incidentId}/notes/${note.id}`, { text: 'Restarted the worker pool' });
    expect(edited.json()).toMatchObject({ text: 'Restarted the worker pool', revisionCount: 1 });
    const notAuthor = await as('admin', 'PUT', `/incidents/${incidentId}/notes/${note.id}`, { text: 'hijacked' });
    expect(notAuthor.statusCode).toBe(403);
    const scratch = (await as('operator', 'POST', `/incidents/${incidentId}/notes`, { text: 'wrong incident, sorry' })).json();
    await as('operator', 'DELETE', `/incidents/${incidentId}/notes/${scratch.id}`);
    await as('operator', 'PATCH', `/incidents/${incidentId}`, { status: 'mitigated', comment: 'load shed' });
    clock.advance(1000);
    await ingest({ source: 'api', status: 'resolved', labels: { alertname: 'HighCpu', target: 'web-1' } });
    await as('operator', 'PATCH', `/incidents/${incidentId}`, { status: 'resolved' });

    const timeline = await timelineOf(incidentId);
    expect(timeline.map((e) => e.kind)).toEqual([
      'incident_opened',
      'alert_firing',
      'alert_firing',
      'anomaly',
      'severity_changed',
      'commander_changed',
      'alert_acknowledged',
      'note',
      'alert_silenced',
      'note',
      'status_changed',
      'alert_resolved',
      'status_changed',
    ]);
    const timestamps = timeline.map((e) => e.ts);
    expect(timestamps).toEqual([...timestamps].sort((x, y) => x - y));
    expect(timeline[7]).toMatchObject({ text: 'Restarted the worker pool', actor: 'test-operator', editedAt: expect.any(Number) });
    expect(timeline[9]).toMatchObject({ text: '', deletedBy: 'test-operator', revisionCount: 1 });
    const revisions = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/notes/${scratch.id}/revisions` })).json();
    expect(revisions).toMatchObject([{ text: 'wrong incident, sorry', change: 'delete' }]);

    const json = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=json` });
    expect(json.statusCode).toBe(200);
    const bundle = json.json();
    expect(Compile(IncidentBundleSchema).Check(bundle)).toBe(true);
    expect(bundle).toMatchObject({ version: 1, incident: { id: incidentId, status: 'resolved', commander: 'test-operator' } });
    expect(bundle.alerts).toHaveLength(2);
    expect(bundle.timeline).toHaveLength(timeline.length);
    expect(bundle.noteRevisions.map((r: { change: string }) => r.change)).toEqual(['edit', 'delete']);
    expect(bundle.silences).toHaveLength(1);
    expect(bundle.alertHistory.length).toBeGreaterThanOrEqual(4);
    expect(bundle.metricsWindow.from).toBeLessThan(cpu!.startsAt);
    expect(bundle.metricsWindow.series).toContainEqual({
      selector: '{target="web-1"}', name: 'node_cpu_usage_ratio', labels: { target: 'web-1' }, samples: 3, min: 0.4, avg: expect.closeTo(0.7733, 3), max: 0.97, last: 0.97,
    });

    const md = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=md` });
    expect(md.headers['content-type']).toContain('text/markdown');
    const text = md.body;
    for (const heading of ['# Postmortem: HighCpu on web-1: CPU above 90%', '## Summary', '## Impact window', '## Timeline', '## Alerts', '## Metrics around the incident', '## Actions taken', '## Lessons learned']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('cpu 4.1σ above its 24 h baseline');
    expect(text).toContain('Restarted the worker pool');
    expect(text).not.toContain('wrong incident, sorry');
    expect(text).toContain('/api/v1/metrics/query_range?match=');
    expect(text).toContain('| `node_cpu_usage_ratio{target="web-1"}` | 3 | 0.4 | 0.7733 | 0.97 | 0.97 |');
    expect((await server.app.ctx.audit.query({ action: 'incident.*' })).length).toBeGreaterThanOrEqual(6);
  });

  it.skipIf(database.skip)('merges and splits incidents by hand', async () => {
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['target'] } } });
    const ingest = async (...events: AlertEvent[]) => (await server.app.alerts.service.ingest(events)).map((o) => o!.alert);
    const [web, db, db2] = await ingest(
      firing({ alertname: 'Errors', target: 'web-1' }, { severity: 'warning' }),
      firing({ alertname: 'SlowQueries', target: 'db-1' }, { severity: 'critical' }),
      firing({ alertname: 'Replication', target: 'db-1' }, { severity: 'info' }),
    );
    const merged = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${web!.incidentId}/merge`, payload: { incidentIds: [db!.incidentId] } });
    expect(merged.json()).toMatchObject({ id: web!.incidentId, severity: 'critical', alertCount: 3 });
    const source = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${db!.incidentId}` })).json();
    expect(source).toMatchObject({ incident: { status: 'resolved', mergedInto: web!.incidentId, alertCount: 0 } });
    expect((await timelineOf(web!.incidentId!)).map((e) => e.kind)).toContain('merged');

    const split = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${web!.incidentId}/split`, payload: { alertIds: [db!.id, db2!.id], title: 'Database' } });
    expect(split.statusCode).toBe(201);
    expect(split.json()).toMatchObject({ title: 'Database', severity: 'critical', alertCount: 2 });
    const rest = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${web!.incidentId}` })).json();
    expect(rest.incident).toMatchObject({ severity: 'warning', alertCount: 1 });
    const splitTimeline = await timelineOf(split.json().id);
    expect(splitTimeline.filter((e) => e.alertId === db!.id).map((e) => e.kind)).toContain('alert_firing');

    // ChatOps and remediation write their steps into the timeline through the service.
    const command = await server.app.incidents.service.record(web!.incidentId!, 'runbook_run', 'restart-nginx on web-1: exit 0', { name: 'test-operator', kind: 'user' }, { runId: 7 });
    expect((await timelineOf(web!.incidentId!)).at(-1)).toEqual(command);

    const intoMerged = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${db!.incidentId}/merge`, payload: { incidentIds: [web!.incidentId] } });
    expect(intoMerged.statusCode).toBe(409);
    const all = await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${web!.incidentId}/split`, payload: { alertIds: [web!.id] } });
    expect(all.statusCode).toBe(400);
    const viewer = await server.injectAs('viewer', { method: 'PATCH', url: `/api/v1/incidents/${web!.incidentId}`, payload: { status: 'resolved' } });
    expect(viewer.statusCode).toBe(403);
  });

  it.skipIf(database.skip)('keeps every alert, silence, incident and timeline entry across a restart', async () => {
    const clock = manualClock();
    const env = await databases.fresh();
    server = await startTestServer({ env, now: clock.now, alerts: { sweepIntervalMs: 0 } });
    const dataDir = server.dataDir;
    const [alert] = (await server.app.alerts.service.ingest([firing({ alertname: 'Persist', target: 'web-7' })])).map((o) => o!.alert);
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/alerts/${alert!.id}/acknowledge`, payload: { comment: 'mine' } });
    await server.injectAs('operator', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'target', op: '=', value: 'web-7' }], durationSeconds: 3600, comment: 'deploy' } });
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/incidents/${alert!.incidentId}/notes`, payload: { text: 'before restart' } });
    const before = await timelineOf(alert!.incidentId!);
    await server.app.close();

    server = await startTestServer({ env, dataDir, now: clock.now, alerts: { sweepIntervalMs: 0 } });
    const after = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert!.id}` })).json();
    expect(after).toMatchObject({ state: 'acknowledged', silenced: true, incidentId: alert!.incidentId });
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences?state=active' })).json().total).toBe(1);
    expect(await timelineOf(alert!.incidentId!)).toEqual(before);
    // The same labels after the restart are still the same alert, and still silenced.
    const [again] = await server.app.alerts.service.ingest([firing({ alertname: 'Persist', target: 'web-7' })]);
    expect(again).toMatchObject({ action: 'updated', alert: { id: alert!.id, occurrences: 2, silenced: true } });

    // The silence ends while the server is down: the alert is unsilenced when it comes back.
    await server.app.close();
    clock.advance(2 * 3600_000);
    server = await startTestServer({ env, dataDir, now: clock.now, alerts: { sweepIntervalMs: 0 } });
    expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert!.id}` })).json()).toMatchObject({ silenced: false, silencedBy: [] });
    expect((await timelineOf(alert!.incidentId!)).at(-1)).toMatchObject({ kind: 'alert_unsilenced', alertId: alert!.id });
  });
});
