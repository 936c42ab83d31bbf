import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../../shared/api/audit.ts';
import { loadConfig } from '../config.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { AuditRetention } from './retention.ts';

const DAY = 86_400_000;

/** The audit log's retention (SMARTCLOUDOPS_AUDIT_RETENTION_DAYS) and the NDJSON export before it (docs/server.md, "Audit log"). */
describe.each(testDatabases())('audit retention and export ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  let clock = 1_000 * DAY;
  const entries = async (action: string) => server.app.ctx.audit.query({ action, limit: 10_000 });
  const retentionOf = (days: number, batchRows = 7) => {
    const { sql, audit, leadership, log } = server.app.ctx;
    return new AuditRetention({ sql, audit, now: () => clock, leadership, log, retentionDays: days, batchRows });
  };

  beforeAll(async () => {
    if (database.skip) return;
    // No retention on the server itself: its own hourly pass must not race the passes run here.
    server = await startTestServer({ env: await databases.fresh(), now: () => clock });
    await server.tokenFor('admin');
    await server.tokenFor('operator');
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  it('keeps every entry unless a retention is set (the default, as before it existed)', () => {
    expect(loadConfig({}).auditRetentionDays).toBe(0);
    expect(loadConfig({ SMARTCLOUDOPS_AUDIT_RETENTION_DAYS: '90' }).auditRetentionDays).toBe(90);
    expect(() => loadConfig({ SMARTCLOUDOPS_AUDIT_RETENTION_DAYS: '-1' })).toThrow(/SMARTCLOUDOPS_AUDIT_RETENTION_DAYS/);
  });

  it('exports a time range as NDJSON, oldest first, for admins only, and records the export', async () => {
    const audit = server.app.ctx.audit;
    clock += 1;
    const from = clock;
    for (let i = 0; i < 5; i++) {
      clock += 1_000;
      audit.record({ actor: 'scheduler', actorKind: 'system', action: 'test.export', target: `n:${i}`, outcome: 'success', details: { i, text: 'line\nbreak "quoted"' } });
    }
    const to = clock - 1_000;
    const response = await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit/export?from=${from}&to=${to}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="audit-${from}-${to}.ndjson"`);
    const lines = response.body.split('\n');
    expect(lines.pop()).toBe('');
    const exported = lines.map((line) => JSON.parse(line) as AuditEntry);
    expect(exported.map((e) => e.target)).toEqual(['n:0', 'n:1', 'n:2', 'n:3']);
    expect(exported[0]!.details).toEqual({ i: 0, text: 'line\nbreak "quoted"' });
    expect((await server.injectAs('operator', { method: 'GET', url: '/api/v1/audit/export' })).statusCode).toBe(403);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit/export?from=-1' })).statusCode).toBe(400);
    const [exportEntry] = await entries('audit.export');
    expect(exportEntry).toMatchObject({ actor: 'admin', outcome: 'success', details: { from, to } });
  });

  it('deletes entries past the retention in batches, keeps newer ones, and records the pass once', async () => {
    const audit = server.app.ctx.audit;
    for (let i = 0; i < 23; i++) audit.record({ actor: 'scheduler', actorKind: 'system', action: 'test.old', target: `old:${i}`, outcome: 'success' });
    await audit.flush();
    clock += 31 * DAY;
    audit.record({ actor: 'scheduler', actorKind: 'system', action: 'test.new', outcome: 'success' });
    await audit.flush();
    const before = clock - 30 * DAY;
    const older = (await audit.query({ to: before - 1, limit: 10_000 })).length;
    expect(older).toBeGreaterThanOrEqual(23);

    const pass = await retentionOf(30).pruneOnce();

    expect(pass).toEqual({ deleted: older, before });
    expect(await audit.query({ to: before - 1, limit: 10_000 })).toEqual([]);
    expect(await entries('test.new')).toHaveLength(1);
    const prunes = await entries('audit.prune');
    expect(prunes).toHaveLength(1);
    expect(prunes[0]).toMatchObject({ actor: null, actorKind: 'system', outcome: 'success', details: { deleted: older, before, retentionDays: 30 } });
    // Nothing left to delete: the next pass records nothing.
    expect(await retentionOf(30).pruneOnce()).toEqual({ deleted: 0, before });
    expect(await entries('audit.prune')).toHaveLength(1);
  });

  it('runs its passes on a schedule on the leader', async () => {
    const audit = server.app.ctx.audit;
    audit.record({ actor: 'scheduler', actorKind: 'system', action: 'test.scheduled', outcome: 'success' });
    await audit.flush();
    clock += 31 * DAY;
    // The pass also lets go of the earlier tests' entries (an earlier pass's own entry among them).
    const before = clock - 30 * DAY;
    const recorded = async () => (await entries('audit.prune')).some((entry) => entry.details?.before === before);
    const { sql, leadership, log } = server.app.ctx;
    const retention = new AuditRetention({ sql, audit, now: () => clock, leadership, log, retentionDays: 30, firstDelayMs: 1, intervalMs: 60_000 });
    retention.start();
    try {
      while (!(await recorded())) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await retention.stop();
    }
    expect(await entries('test.scheduled')).toEqual([]);
  });

  it('stays append-only outside the pruning: no delete without a permit, and none of entries newer than the permit', async () => {
    const { db } = server.app.ctx.sql;
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    const newest = (await server.app.ctx.audit.query({ limit: 1 }))[0]!;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_prune_permit').values({ before_ts: newest.ts }).execute();
        await trx.deleteFrom('audit_log').where('id', '=', newest.id).execute();
      }),
    ).rejects.toThrow(/append-only/);
    expect((await server.app.ctx.audit.query({ limit: 1 }))[0]!.id).toBe(newest.id);
  });
});
