import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, TEST_ADMIN_PASSWORD } from '../testing/test-server.ts';
import { CONVERTED_TABLES } from './copy-to-postgres.ts';
import { WatchStore } from '../datasources/watches/store.ts';
import { eventually } from '../testing/eventually.ts';
import { ModelRegistry } from '../anomaly/registry.ts';
import { AnomalyEventStore } from '../anomaly/event-store.ts';
import type { Explanation } from '../../../shared/anomaly/index.ts';
import { AlertStore } from '../alerts/store.ts';
import { TimelineStore } from '../incidents/timeline.ts';
import { SharedEventLog } from '../stream/shared-event-log.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres tests skipped] ${unavailable}`);

describe('smartcloudops migrate (arguments)', () => {
  it('prints its usage and exits 2 on a wrong call', async () => {
    const lines: string[] = [];
    expect(await runCli(['migrate', '--from', 'x.db', '--to', 'postgres://u@h/d'], (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toMatch(/--from sqlite:<file> --to postgres:/);
    expect(await runCli(['migrate', '--bogus'], (line) => lines.push(line))).toBe(2);
  });
});

describe.skipIf(unavailable !== undefined)('smartcloudops migrate --from sqlite:<file> --to postgres://…', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  it('copies an installation, verified by counts and checksums; the server then runs on it with the same users, sessions and keys', async () => {
    // An installation on SQLite, with users, sessions, a rotated key, stream events and a lockout counter.
    const runbooksDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-migrate-runbooks-'));
    fs.writeFileSync(path.join(runbooksDir, 'pause.yaml'), 'id: pause\ntitle: Pause\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: manual, approvers: 0 }\n');
    const old = await startTestServer({ runbooks: { dir: runbooksDir } });
    const viewerToken = await old.tokenFor('viewer');
    const session = (await old.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).json() as { refreshToken: string };
    await old.injectAs('admin', { method: 'POST', url: '/api/v1/admin/signing-keys/rotate', payload: {} });
    await old.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'wrong-password' } });
    await old.app.metrics.ingest([{ name: 'node_load1', labels: { host: 'h' }, samples: [[Date.now(), 1]] }]);
    const apiKey = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'ci', role: 'operator' } })).json() as { secret: string; key: { id: number } };
    const revokedKey = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'old' } })).json() as { secret: string; key: { id: number } };
    await old.injectAs('admin', { method: 'DELETE', url: `/api/v1/api-keys/${revokedKey.key.id}` });
    // A webhook with a delivery in its log (to a closed port: it stays pending or failed, either is copied).
    const hook = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/webhooks', payload: { name: 'ops', url: 'http://127.0.0.1:9/hook' } })).json() as { id: number };
    const copiedAlert = (await old.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Copied', target: 'web' }, severity: 'critical' }]))[0]!.alert;
    // ChatOps: a chat user mapping, a pending confirmation and the history of both questions.
    expect((await old.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-viewer' } })).statusCode).toBe(201);
    expect((await old.injectAs('viewer', { method: 'POST', url: '/api/v1/chat', payload: { text: 'help' } })).statusCode).toBe(200);
    const pending = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/chat', payload: { text: `ack alert ${copiedAlert.id}` } })).json() as { kind: string; token: string };
    expect(pending.kind).toBe('confirmation');
    // Alerts and incidents: an acknowledged alert, a silence, an edited note (its revision kept), a merge.
    await old.injectAs('admin', { method: 'POST', url: `/api/v1/alerts/${copiedAlert.id}/acknowledge`, payload: { comment: 'mine' } });
    await old.injectAs('admin', { method: 'POST', url: '/api/v1/silences', payload: { matchers: [{ name: 'target', op: '=', value: 'web' }], durationSeconds: 3600, comment: 'copied' } });
    const note = (await old.injectAs('admin', { method: 'POST', url: `/api/v1/incidents/${copiedAlert.incidentId}/notes`, payload: { text: 'first words' } })).json() as { id: number };
    expect((await old.injectAs('admin', { method: 'PUT', url: `/api/v1/incidents/${copiedAlert.incidentId}/notes/${note.id}`, payload: { text: 'second words' } })).statusCode).toBe(200);
    const other = (await old.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Other', target: 'db' } }]))[0]!.alert;
    expect((await old.injectAs('admin', { method: 'POST', url: `/api/v1/incidents/${copiedAlert.incidentId}/merge`, payload: { incidentIds: [other.incidentId] } })).statusCode).toBe(200);
    // A runbook run with its step.
    const run = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/runbooks/pause/runs', payload: {} })).json() as { id: number };
    await eventually(async () => (await old.injectAs('admin', { method: 'GET', url: `/api/v1/runbook-runs/${run.id}` })).json() as { state: string }, (found) => found.state === 'succeeded', 60_000);
    // A data source with a sealed token, and a watch on it with scores (two series at one time: the composite key).
    const source = (await old.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: 'http://127.0.0.1:9', auth: { type: 'bearer', token: 'copied-token' } } })).json() as { id: number };
    const watches = new WatchStore(old.app.ctx.sql);
    const watch = (await watches.create({ name: 'up', datasourceId: source.id, query: 'up', stepSeconds: 60 }, 'admin', Date.now()))!;
    await watches.record(watch.id, [
      { seriesKey: 'up{instance="a"}', ts: 60_000, value: 1, score: 0.25, anomaly: false },
      { seriesKey: 'up{instance="b"}', ts: 60_000, value: 0, score: 3.5, anomaly: true },
      { seriesKey: 'up{instance="a"}', ts: 120_000, value: 1, score: 0.5, anomaly: false },
    ], 120_000, null);
    const secretKey = fs.readFileSync(path.join(old.dataDir, 'datasource-secrets.key'), 'utf8');
    // Alert rules: a default one deleted (the copy must not bring the seed back), one added with a pending series; grouping saved.
    const defaults = (await old.injectAs('viewer', { method: 'GET', url: '/api/v1/alert-rules' })).json() as { id: number; name: string }[];
    await old.injectAs('admin', { method: 'DELETE', url: `/api/v1/alert-rules/${defaults.find((r) => r.name === 'HostHighLoadPerCore')!.id}` });
    const rule = (await old.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/alert-rules',
      payload: { name: 'CopiedRule', selector: 'node_load1', condition: { reducer: 'last', op: '>', threshold: 0 }, windowSeconds: 3600, forSeconds: 3600 },
    })).json() as { id: number };
    await old.app.alerts.evaluator!.evaluateAll(Date.now());
    expect((await old.app.alerts.rules.byId(rule.id))!.series).toMatchObject([{ state: 'pending' }]);
    expect((await old.injectAs('admin', { method: 'PUT', url: '/api/v1/incidents/grouping', payload: { groupBy: ['host'], windowMinutes: 10, autoResolve: null } })).statusCode).toBe(200);
    // The anomaly registry: a model whose evaluation an older version wrote as JSON text, and an anomaly naming it.
    const anomalyModel = await new ModelRegistry(old.app.ctx.sql, Date.now).add(
      { target: 'h', createdBy: 'test', trainedFrom: 0, trainedTo: 1, trainRows: 2, params: { metrics: ['node_load1'] }, scoreDistribution: { quantiles: [0.1], threshold: 0.5 }, evaluation: {}, model: new Uint8Array([0x53, 0x43, 0x41, 0x4d, 1, 2, 3]) },
      'active',
    );
    old.app.ctx.db.prepare('UPDATE anomaly_models SET evaluation = ? WHERE id = ?').run('{"trainingAlarmRate":0.01}', anomalyModel.id);
    const explanation: Explanation = {
      summary: 'node_load1 4.2σ above its mean',
      metrics: [{ metric: 'node_load1', value: 9, sigma: 4.2, baseline: '1 ± 2', status: 'above', share: 1 }],
      features: [{ name: 'node_load1', kind: 'value', metric: 'node_load1', value: 9, contribution: 1, deviation: 4.2 }],
    };
    await new AnomalyEventStore(old.app.ctx.sql).add({ target: 'h', ts: 1_000, modelId: anomalyModel.id, score: 0.9, threshold: 0.5, explanation });
    const auditedActions = (await old.app.ctx.audit.query({ limit: 1000 })).map((entry) => entry.action).reverse();
    await old.app.close();
    const file = path.join(old.dataDir, 'smartcloudops.db');

    const url = await postgres.createDatabase('migrated');
    const lines: string[] = [];
    expect(await runCli(['migrate', '--from', `sqlite:${file}`, '--to', url], (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toMatch(/every row count and checksum matches/);
    const counted = Object.fromEntries(lines.slice(0, -1).map((line) => [line.split(/\s+/)[0], Number(line.split(/\s+/)[1])]));
    // Then what the metrics store derives on PostgreSQL: hours older than the minutes kept, each series' newest sample.
    expect(Object.keys(counted)).toEqual([...CONVERTED_TABLES.map((t) => t.table), 'metric_rollup_chunks:hours', 'metric_latest']);
    expect(counted.metric_series).toBe(1);
    expect(counted.metric_head).toBe(1);
    expect(counted.metric_latest).toBe(1);
    expect(counted.users).toBe(2);
    expect(counted.signing_keys).toBe(2);
    expect(counted.refresh_tokens).toBeGreaterThanOrEqual(2);
    expect(counted.login_counters).toBe(2);
    expect(counted.stream_events).toBeGreaterThanOrEqual(1);
    expect(counted.api_keys).toBe(2);
    expect(counted.audit_log).toBe(auditedActions.length);
    expect(counted.webhooks).toBe(1);
    expect(counted.webhook_deliveries).toBe(2);
    expect(counted.runbook_runs).toBe(1);
    expect(counted.runbook_run_steps).toBe(1);
    expect(counted.chat_user_mappings).toBe(1);
    expect(counted.chat_confirmations).toBe(1);
    expect(counted.chat_history).toBe(2);
    expect(counted.datasources).toBe(1);
    expect(counted.anomaly_watches).toBe(1);
    expect(counted.anomaly_watch_scores).toBe(3);
    expect(counted.anomaly_models).toBe(1);
    expect(counted.anomaly_events).toBe(1);
    expect(counted.alert_rules).toBe(4);
    expect(counted.alert_rule_series).toBe(1);
    expect(counted.incident_grouping_settings).toBe(1);
    expect(counted.incidents).toBe(2);
    expect(counted.alerts).toBe(2);
    expect(counted.alert_history).toBe(3);
    expect(counted.silences).toBe(1);
    expect(counted.note_revisions).toBe(1);
    expect(counted.incident_timeline).toBeGreaterThanOrEqual(5);
    expect(auditedActions).toEqual(expect.arrayContaining(['auth.login', 'signing_key.rotate', 'apikey.create', 'apikey.revoke']));

    // A second run refuses: the target is not empty, and nothing changes.
    const again: string[] = [];
    expect(await runCli(['migrate', '--from', `sqlite:${file}`, '--to', url], (line) => again.push(line))).toBe(1);
    expect(again.join('\n')).toMatch(/already holds rows/);

    // A replica on the migrated database: the old access token, refresh token and password work.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-migrated-'));
    // A new data folder: the old one's data source key is given through the environment (docs/deploy.md).
    const replica = await startTestServer({ env: { SMARTCLOUDOPS_DATABASE_URL: url, SMARTCLOUDOPS_DATASOURCE_KEY: secretKey }, dataDir, runbooks: { dir: runbooksDir } });
    try {
      // The stream's log came along: the old server's markers of alert and timeline events
      // (SQLite keeps no copies) replay from the copied tables, the alert as it is now.
      const records = { alerts: (ids: readonly number[]) => new AlertStore(replica.app.ctx.sql).byIds(ids), timeline: (ids: readonly number[]) => new TimelineStore(replica.app.ctx.sql).byIds(ids) };
      const replay = await new SharedEventLog(replica.app.ctx.sql, { records }).after(0);
      const replayed = replay.kind === 'events' ? replay.events.filter((event) => event.type === 'alert' || event.type === 'timeline').map((event) => ({ type: event.type, data: JSON.parse(event.data) as Record<string, unknown> })) : [];
      expect(replayed.length).toBeGreaterThan(4);
      expect(replayed.filter((event) => event.type === 'timeline').every((event) => typeof event.data.id === 'number' && typeof event.data.kind === 'string')).toBe(true);
      const copiedEvents = replayed.filter((event) => event.type === 'alert' && (event.data.alert as { id: number }).id === copiedAlert.id);
      expect(copiedEvents.map((event) => event.data.action)).toEqual(['created', 'acknowledged', 'silenced']);
      expect(copiedEvents.every((event) => (event.data.alert as { state: string }).state === 'acknowledged')).toBe(true);
      expect((await replica.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${viewerToken}` } })).statusCode).toBe(200);
      expect((await replica.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(200);
      // API keys carried over, the revoked one still revoked; the audit history too, in its order.
      const withKey = (secret: string) => replica.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${secret}` } });
      expect((await withKey(apiKey.secret)).statusCode).toBe(200);
      expect((await withKey(revokedKey.secret)).statusCode).toBe(401);
      const history = (await replica.app.ctx.audit.query({ limit: 1000 })).map((entry) => entry.action).reverse();
      expect(history.slice(0, auditedActions.length)).toEqual(auditedActions);
      const log = (await replica.injectAs('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries` })).json() as { items: { event: string }[] };
      expect(log.items).toMatchObject([{ event: 'firing' }, { event: 'firing' }]);
      // The runbook run's history, and new runs numbered after it.
      expect((await replica.injectAs('admin', { method: 'GET', url: `/api/v1/runbook-runs/${run.id}` })).json()).toMatchObject({ state: 'succeeded', steps: [{ name: 'pause', state: 'succeeded' }] });
      const next = (await replica.injectAs('admin', { method: 'POST', url: '/api/v1/runbooks/pause/runs', payload: {} })).json() as { id: number };
      expect(next.id).toBeGreaterThan(run.id);
      // ChatOps: the mapping, the pending confirmation (by its token) and the history carried over.
      expect((await replica.injectAs('admin', { method: 'GET', url: '/api/v1/chat/mappings' })).json()).toMatchObject([{ platform: 'slack', chatUserId: 'U1', username: 'test-viewer' }]);
      expect(await replica.app.chatops.store.confirmation(pending.token)).toMatchObject({ text: `ack alert ${copiedAlert.id}`, usedAt: null });
      expect(((await replica.injectAs('viewer', { method: 'GET', url: '/api/v1/chat/history' })).json() as { items: { text: string }[] }).items.map((item) => item.text)).toEqual(['help']);
      // The data source's token opens under the old key; its watch and scores came along.
      expect((await replica.app.datasources.service.get(source.id)).credentials).toEqual({ type: 'bearer', token: 'copied-token' });
      const scores = await new WatchStore(replica.app.ctx.sql).scores(watch.id, { from: 0, to: Number.MAX_SAFE_INTEGER });
      expect([...scores.keys()]).toEqual(['up{instance="a"}', 'up{instance="b"}']);
      // The model (its old text evaluation readable) and the anomaly that names it.
      expect((await replica.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/models/${anomalyModel.id}` })).json()).toMatchObject({ target: 'h', state: 'active', evaluation: { trainingAlarmRate: 0.01 }, params: { metrics: ['node_load1'] } });
      expect(await new ModelRegistry(replica.app.ctx.sql, Date.now).bytesOf(anomalyModel.id)).toEqual(new Uint8Array([0x53, 0x43, 0x41, 0x4d, 1, 2, 3]));
      expect((await replica.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/events?target=h' })).json()).toMatchObject([{ modelId: anomalyModel.id, summary: explanation.summary, explanation }]);
      // The rules as they were (the deleted default stays deleted), their series state, the grouping.
      // The metric sample written on SQLite is the migrated store's latest.
      expect(((await replica.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/latest?match=node_load1' })).json() as { series: { value: number }[] }).series.map((x) => x.value)).toEqual([1]);
      const rules = (await replica.injectAs('viewer', { method: 'GET', url: '/api/v1/alert-rules' })).json() as { name: string; series: { state: string }[] }[];
      expect(rules.map((r) => r.name)).toEqual(['CopiedRule', 'HostDiskFull', 'HostHighCpu', 'HostHighMemory']);
      expect(rules[0]!.series).toMatchObject([{ state: 'pending' }]);
      expect(replica.app.incidents.grouping.policy).toMatchObject({ groupBy: ['host'], windowMs: 600_000 });
      const nextRule = await replica.injectAs('admin', { method: 'POST', url: '/api/v1/alert-rules', payload: { name: 'After', selector: 'up', condition: { reducer: 'last', op: '<', threshold: 1 } } });
      expect((nextRule.json() as { id: number }).id).toBeGreaterThan(rule.id);
      // The alerts, the silence, the incident with its merge and its note's revision came along.
      expect((await replica.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${copiedAlert.id}` })).json()).toMatchObject({ state: 'acknowledged', silenced: true, incidentId: copiedAlert.incidentId });
      expect((await replica.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${other.id}` })).json()).toMatchObject({ incidentId: copiedAlert.incidentId });
      expect((await replica.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${other.incidentId}` })).json().incident).toMatchObject({ mergedInto: copiedAlert.incidentId });
      const timeline = (await replica.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${copiedAlert.incidentId}/timeline` })).json() as { id: number; text: string }[];
      expect(timeline.find((entry) => entry.id === note.id)).toMatchObject({ text: 'second words' });
      const nextAlert = (await replica.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'After', target: 'web' } }]))[0]!.alert;
      expect(nextAlert.id).toBeGreaterThan(other.id);
      // New rows continue after the copied ids (identity sequences moved on).
      const created = await replica.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: 'dave', password: 'dave-password-12', role: 'viewer' } });
      expect(created.statusCode).toBe(201);
      expect((created.json() as { id: number }).id).toBeGreaterThan(2);
      const newKey = await replica.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'new' } });
      expect((newKey.json() as { key: { id: number } }).key.id).toBeGreaterThan(revokedKey.key.id);
    } finally {
      await replica.close();
      fs.rmSync(old.dataDir, { recursive: true, force: true });
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM users')).rows[0]).toEqual({ n: 3 });
    await client.end();
  }, 240_000);

  it('refuses a file that is not a SmartCloudOps database', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sco-notdb-')), 'other.db');
    const Database = (await import('better-sqlite3')).default;
    new Database(file).exec('CREATE TABLE t (x)');
    const lines: string[] = [];
    expect(await runCli(['migrate', '--from', `sqlite:${file}`, '--to', await postgres.createDatabase('refused')], (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toMatch(/not a SmartCloudOps database/);
  }, 60_000);
});
