import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../shared/api/alerts.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * An ingest batch holds its alert rows, history, timeline entries and webhook deliveries
 * back and writes each table's rows together (UnitOfWork.holdWrites; on PostgreSQL one
 * statement per table). These tests send one batch that mixes new, repeated, resolved and
 * re-fired events of the same alerts, an incident that resolves and reopens within the
 * batch and a webhook that wants some of them, and check that it ends exactly as the same
 * events sent one per batch, on both databases; and that what the batch published carries
 * the ids and counts the database has.
 */
const labels = (alertname: string, instance: string, service = 'db') => ({ alertname, service, instance });
const firing = (l: Record<string, string>, extra: Partial<AlertEvent> = {}): AlertEvent => ({ source: 'api', status: 'firing', labels: l, ...extra });
const resolved = (l: Record<string, string>): AlertEvent => ({ source: 'api', status: 'resolved', labels: l });

const a = labels('DiskFull', 'a');
const b = labels('DiskFull', 'b');
const c = labels('NodeDown', 'c', 'web');
const e = labels('QueueBacklog', 'e', 'mq');
const f = labels('QueueBacklog', 'f', 'mq');
const EVENTS: AlertEvent[] = [
  firing(a, { severity: 'warning', annotations: { summary: 'a filling' } }),
  firing(a, { severity: 'critical', annotations: { summary: 'a nearly full' } }),
  firing(b),
  resolved(a),
  firing(c, { severity: 'critical' }),
  firing(a, { annotations: { runbook_url: 'https://runbooks/disk' } }),
  resolved(b),
  resolved(b),
  resolved(labels('NeverSeen', 'z')),
  firing(a),
  // A group whose only alert resolves (its incident auto-resolves) and whose next alert reopens it.
  firing(e),
  resolved(e),
  firing(f, { severity: 'critical' }),
];

describe.each(testDatabases())('held writes of an ingest batch on $name', (database) => {
  const databases = useTestDatabase(database);
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function server(): Promise<TestServer> {
    const started = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0 } });
    servers.push(started);
    // Nothing listens there: deliveries stay queued, which is what is compared.
    await started.app.notifications.webhooks.create({ name: 'pager', url: 'http://127.0.0.1:9/', minSeverity: 'critical' }, 'test', Date.now());
    return started;
  }

  /** Everything the events left in the database, without ids and clocks (alerts by fingerprint, incidents by group). */
  async function endState(s: TestServer) {
    const { db } = s.app.ctx.sql;
    const alerts = await db.selectFrom('alerts').selectAll().orderBy('fingerprint').execute();
    const fingerprintOf = new Map(alerts.map((row) => [Number(row.id), row.fingerprint]));
    const incidents = await db.selectFrom('incidents').selectAll().orderBy('group_key').execute();
    const groupOf = new Map(incidents.map((row) => [Number(row.id), row.group_key]));
    const history = await db.selectFrom('alert_history').selectAll().orderBy('id').execute();
    const timeline = await db.selectFrom('incident_timeline').selectAll().orderBy('ts').orderBy('id').execute();
    const deliveries = await db.selectFrom('webhook_deliveries').selectAll().orderBy('id').execute();
    return {
      alerts: alerts.map((row) => ({
        fingerprint: row.fingerprint,
        state: row.state,
        severity: row.severity,
        labels: JSON.parse(row.labels) as unknown,
        annotations: JSON.parse(row.annotations) as unknown,
        occurrences: row.occurrences,
        incident: row.incident_id === null ? null : groupOf.get(Number(row.incident_id)),
        history: history.filter((h) => Number(h.alert_id) === Number(row.id)).map((h) => `${h.from_state}->${h.to_state}`),
      })),
      incidents: await Promise.all(
        incidents.map(async (row) => {
          const incident = (await s.app.incidents.incidents.byId(Number(row.id)))!;
          return {
            group: row.group_key,
            title: row.title,
            severity: row.severity,
            status: row.status,
            counts: [incident.alertCount, incident.firingCount, incident.acknowledgedCount],
            // What the counts kept by triggers (migration 066) must equal: the incident's alerts counted.
            counted: ((own) => [own.length, own.filter((a) => a.state === 'firing').length, own.filter((a) => a.state === 'acknowledged').length])(alerts.filter((a) => Number(a.incident_id) === Number(row.id))),
            timeline: timeline.filter((t) => Number(t.incident_id) === Number(row.id)).map((t) => `${t.kind} [${t.alert_id === null ? '' : fingerprintOf.get(Number(t.alert_id))}] ${t.text}`),
          };
        }),
      ),
      deliveries: deliveries.map((row) => `${fingerprintOf.get(Number(row.alert_id))} ${row.event}`),
    };
  }

  it.skipIf(database.skip)('ends a mixed batch exactly as the same events one batch each, outcome by outcome', { timeout: 120_000 }, async () => {
    const batched = await server();
    const published: StreamEvent[] = [];
    batched.app.ctx.events.subscribe((event) => published.push(event));
    const outcomes = await batched.app.alerts.service.ingest(EVENTS);

    const single = await server();
    const singleOutcomes = [];
    for (const event of EVENTS) singleOutcomes.push(...(await single.app.alerts.service.ingest([event])));

    expect(outcomes.map((o) => o && [o.action, o.alert.state, o.alert.occurrences, o.alert.severity])).toEqual(singleOutcomes.map((o) => o && [o.action, o.alert.state, o.alert.occurrences, o.alert.severity]));
    const state = await endState(batched);
    expect(state).toEqual(await endState(single));
    // What the scenario is about, so that an empty comparison cannot pass.
    expect(state.alerts.find((x) => x.labels && (x.labels as Record<string, string>).instance === 'a')).toMatchObject({ state: 'firing', occurrences: 4, severity: 'critical', history: ['null->firing', 'firing->resolved', 'resolved->firing'] });
    expect(state.incidents.find((i) => i.group.includes('QueueBacklog'))!.timeline.map((t) => t.split(' ')[0])).toEqual(['incident_opened', 'alert_firing', 'alert_resolved', 'status_changed', 'reopened', 'alert_firing', 'severity_changed']);
    expect(state.deliveries).toHaveLength(4);
    for (const incident of state.incidents) expect(incident.counts).toEqual(incident.counted);
    expect(state.incidents.some((incident) => incident.counts[0]! > 1)).toBe(true);

    // The alert ids the batch answered are the rows written, and the ids of the new alerts follow their order in the batch.
    const { db } = batched.app.ctx.sql;
    const rows = await db.selectFrom('alerts').select(['id', 'fingerprint', 'occurrences']).execute();
    for (const outcome of outcomes) if (outcome) expect(rows.find((row) => Number(row.id) === outcome.alert.id)?.fingerprint).toBe(outcome.alert.fingerprint);
    const created = outcomes.filter((o) => o?.action === 'created').map((o) => o!.alert.id);
    expect(created).toEqual([...created].sort((x, y) => x - y));

    // Published timeline entries carry the ids the rows got, in the order written.
    const timeline = await db.selectFrom('incident_timeline').select(['id', 'kind', 'text']).orderBy('id').execute();
    const entries = published.flatMap((event) => (event.type === 'timeline' ? [event.data] : []));
    expect(entries.map((entry) => [entry.id, entry.kind, entry.text])).toEqual(timeline.map((row) => [Number(row.id), row.kind, row.text]));
    // One `updated` event per touched incident, with the counts after the batch.
    const updated = published.flatMap((event) => (event.type === 'incident' && event.data.action === 'updated' ? [event.data.incident] : []));
    expect(new Set(updated.map((incident) => incident.id)).size).toBe(updated.length);
    for (const incident of updated) {
      const now = (await batched.app.incidents.incidents.byId(incident.id))!;
      expect([incident.alertCount, incident.firingCount, incident.acknowledgedCount]).toEqual([now.alertCount, now.firingCount, now.acknowledgedCount]);
    }
  });

  it.skipIf(database.skip)('writes nothing of a batch whose held rows are refused when it flushes', { timeout: 120_000 }, async () => {
    const s = await server();
    const published: StreamEvent[] = [];
    s.app.ctx.events.subscribe((event) => published.push(event));
    // The database refuses the timeline entry of the second alert (as a full disk would): the flush of the held rows fails.
    const { db } = s.app.ctx.sql;
    if (database.name === 'postgres') await sql`ALTER TABLE incident_timeline ADD CONSTRAINT refuse_c CHECK (text NOT LIKE '%NodeDown%')`.execute(db);
    else s.app.ctx.db.exec("CREATE TRIGGER refuse_c BEFORE INSERT ON incident_timeline WHEN NEW.text LIKE '%NodeDown%' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    await expect(s.app.alerts.service.ingest([firing(a), firing(c, { severity: 'critical' })])).rejects.toThrow();
    expect(await db.selectFrom('alerts').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('incidents').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('alert_history').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
    expect(published.filter((event) => event.type === 'alert' || event.type === 'incident' || event.type === 'timeline')).toEqual([]);
  });
});
