import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useRunbookServer } from '../runbooks/testing/runbook-server.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { allowAudit, auditEntries, refuseAudit } from './testing/refuse-audit.ts';

const entries = auditEntries;

/**
 * "Nothing lost on a crash": an action and its audit entry commit together. The entry used to
 * be queued and written after the action's transaction had committed, so a server killed (or
 * an audit write failing) between the two kept the action with no entry saying who did it.
 * A failure of the audit write is injected here (a trigger refusing the entry's INSERT): the
 * action must then not have happened either, and a retry must find nothing half done.
 */

describe.each(testDatabases())('an action and its audit entry commit together ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  const sqlOf = () => server.app.ctx.sql;

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  it('an alert acknowledged whose entry cannot be stored is not acknowledged', async () => {
    const pushed = await server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'AckAtomic', instance: 'a' } }] } });
    expect(pushed.statusCode).toBe(200);
    const id = (pushed.json() as { alertIds: number[] }).alertIds[0]!;
    const { db, dialect } = sqlOf();
    await refuseAudit(db, dialect, 'alert.acknowledge');
    try {
      const refused = await server.injectAs('admin', { method: 'POST', url: `/api/v1/alerts/${id}/acknowledge`, payload: { comment: 'mine' } });
      expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    // Before: acknowledged, with no entry saying by whom.
    expect((await server.injectAs('admin', { method: 'GET', url: `/api/v1/alerts/${id}` })).json()).toMatchObject({ state: 'firing', acknowledgedBy: null });
    expect(await entries(server, 'alert.acknowledge')).toHaveLength(0);
    // The retry finds the alert as it was and does it once.
    expect((await server.injectAs('admin', { method: 'POST', url: `/api/v1/alerts/${id}/acknowledge`, payload: { comment: 'mine' } })).statusCode).toBe(200);
    expect(await entries(server, 'alert.acknowledge')).toHaveLength(1);
  });

  it('an alert batch whose entry cannot be stored is not ingested, so the sender retries it without a duplicate', async () => {
    const { db, dialect } = sqlOf();
    const payload = { alerts: [{ status: 'firing', labels: { alertname: 'IngestAtomic', instance: 'b' } }] };
    await refuseAudit(db, dialect, 'alert.ingest');
    try {
      expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload })).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    const listed = async () => ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/alerts?state=firing,acknowledged,resolved&limit=500' })).json() as { items: Array<{ labels: Record<string, string>; occurrences: number }> }).items.filter((alert) => alert.labels.alertname === 'IngestAtomic');
    expect(await listed()).toHaveLength(0);
    expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/alerts', payload })).statusCode).toBe(200);
    expect((await listed()).map((alert) => alert.occurrences)).toEqual([1]);
  });

  it('a user, an API key and a webhook whose entries cannot be stored are not created (one statement each, by stores that know no transaction)', async () => {
    const { db, dialect } = sqlOf();
    const attempts = [
      { action: 'user.create', url: '/api/v1/users', payload: { username: 'atomic-user', password: 'atomic-user-password-1', role: 'viewer' }, list: '/api/v1/users', has: (body: unknown) => (body as { users: Array<{ username: string }> }).users.some((u) => u.username === 'atomic-user') },
      { action: 'apikey.create', url: '/api/v1/api-keys', payload: { name: 'atomic-key', role: 'viewer' }, list: '/api/v1/api-keys', has: (body: unknown) => (body as { keys: Array<{ name: string }> }).keys.some((k) => k.name === 'atomic-key') },
      { action: 'webhook.create', url: '/api/v1/webhooks', payload: { name: 'atomic-hook', url: 'https://hooks.example.com/x', format: 'json' }, list: '/api/v1/webhooks', has: (body: unknown) => (body as Array<{ name: string }>).some((h) => h.name === 'atomic-hook') },
    ];
    for (const attempt of attempts) {
      await refuseAudit(db, dialect, attempt.action);
      try {
        expect((await server.injectAs('admin', { method: 'POST', url: attempt.url, payload: attempt.payload })).statusCode, attempt.action).toBeGreaterThanOrEqual(500);
      } finally {
        await allowAudit(db, dialect);
      }
      const listed = await server.injectAs('admin', { method: 'GET', url: attempt.list });
      expect(listed.statusCode, attempt.list).toBe(200);
      expect(attempt.has(listed.json()), attempt.action).toBe(false);
      const retried = await server.injectAs('admin', { method: 'POST', url: attempt.url, payload: attempt.payload });
      expect(retried.statusCode, attempt.action).toBeLessThan(300);
      expect(attempt.has((await server.injectAs('admin', { method: 'GET', url: attempt.list })).json()), attempt.action).toBe(true);
      expect(await entries(server, attempt.action), attempt.action).toHaveLength(1);
    }
  });

  it('an answer whose queued entry cannot be stored is a 5xx in the error shape, not the action\'s own status', async () => {
    const { db, dialect } = sqlOf();
    await server.tokenFor('viewer');
    await refuseAudit(db, dialect, 'access.denied');
    try {
      // Refused by the access guard: its entry is queued (no transaction), and flushed before the answer.
      const response = await server.injectAs('viewer', { method: 'DELETE', url: '/api/v1/users/1' });
      // Before: 403 with the database's own message and code (SQLITE_CONSTRAINT_TRIGGER, P0001).
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ error: { code: 'E_INTERNAL' } });
      expect(response.body).not.toMatch(/injected|SQLITE|P0001/);
    } finally {
      await allowAudit(db, dialect);
    }
  });

  it('incident grouping settings whose entry cannot be stored are not saved, nor kept in memory', async () => {
    const { db, dialect } = sqlOf();
    const grouping = async () => (await server.injectAs('admin', { method: 'GET', url: '/api/v1/incidents/grouping' })).json() as { override: { windowMinutes: number | null }; effective: { windowMinutes: number } };
    const before = await grouping();
    await refuseAudit(db, dialect, 'incident.grouping_update');
    try {
      expect((await server.injectAs('admin', { method: 'PUT', url: '/api/v1/incidents/grouping', payload: { groupBy: null, windowMinutes: 7, autoResolve: null } })).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    // Before: saved (and in effect) with no entry saying who changed how incidents group.
    expect(await grouping()).toEqual(before);
    expect(await entries(server, 'incident.grouping_update')).toHaveLength(0);
  });

  it('a silence whose entry cannot be stored is not created, nor expired', async () => {
    const { db, dialect } = sqlOf();
    const payload = { matchers: [{ name: 'alertname', op: '=', value: 'SilenceAtomic' }], durationSeconds: 3600, comment: 'maintenance' };
    const silences = async () => ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/silences?limit=500' })).json() as { items: Array<{ id: number; comment: string; state: string }> }).items.filter((s) => s.comment === 'maintenance');
    await refuseAudit(db, dialect, 'silence.create');
    try {
      expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/silences', payload })).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    expect(await silences()).toHaveLength(0);
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/silences', payload });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: number }).id;
    await refuseAudit(db, dialect, 'silence.expire');
    try {
      expect((await server.injectAs('admin', { method: 'POST', url: `/api/v1/silences/${id}/expire` })).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    expect((await silences()).map((s) => s.state)).toEqual(['active']);
    expect(await entries(server, 'silence.create')).toHaveLength(1);
    expect(await entries(server, 'silence.expire')).toHaveLength(0);
  });
});

describe('a runbook run records its start before any step acts', () => {
  const fixture = useRunbookServer((dir) => ({
    'touch.yaml': `id: touch
title: Touch a file
steps:
  - name: touch
    run: [/usr/bin/env, node, ${JSON.stringify(path.resolve(import.meta.dirname, '../runbooks/testing/append.fixture.js'))}, ${JSON.stringify(path.join(dir, 'ran.log'))}]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100 }
`,
  }));

  test('a start whose entry cannot be stored runs no step', async () => {
    const { server, dir } = fixture;
    const { db, dialect } = server.app.ctx.sql;
    await refuseAudit(db, dialect, 'runbook.run.started');
    try {
      const response = await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/touch/runs', payload: {} });
      expect(response.statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await allowAudit(db, dialect);
    }
    // Before: the step ran (a side effect) while its "started" entry was still to be written.
    expect(fs.existsSync(path.join(dir, 'ran.log'))).toBe(false);
    const runs = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/runbook-runs?runbook=touch' })).json() as { runs: Array<{ state: string }> };
    expect(runs.runs.map((run) => run.state)).toEqual(['queued']);
    expect(await entries(server, 'runbook.run.started')).toHaveLength(0);
    expect(await entries(server, 'runbook.run.request')).toHaveLength(1);
  });
});
