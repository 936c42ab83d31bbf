import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { AuditEntry } from '../../../shared/api/audit.ts';

describe.each(testDatabases())('GET /audit ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  let clock = 1_000_000;
  const page = async (query: string) => {
    const response = await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?${query}` });
    expect(response.statusCode).toBe(200);
    return response.json() as { entries: AuditEntry[]; nextBefore: number | null };
  };

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), now: () => (clock += 1000) });
    await server.tokenFor('admin');
    for (const name of ['u1', 'u2', 'u3']) {
      await server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: name, password: `${name}-password-long`, role: 'viewer' } });
    }
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'u1', password: 'wrong-password' }, remoteAddress: '10.1.2.3' });
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  it('records who, what, when, from where and the outcome of a failed login', async () => {
    const [failed] = (await page('action=auth.login&outcome=failure')).entries;
    expect(failed).toMatchObject({ actor: 'u1', actorKind: 'anonymous', action: 'auth.login', outcome: 'failure', ip: '10.1.2.3' });
    expect(failed!.ts).toBeGreaterThan(1_000_000);
  });

  it('filters by actor, action prefix, target and time', async () => {
    expect((await page('actor=admin&action=user.create')).entries).toHaveLength(3);
    expect((await page('action=user.*')).entries).toHaveLength(3);
    const [u2] = (await page('target=user:u2')).entries;
    expect(u2!.action).toBe('user.create');
    const all = (await page('limit=1000')).entries;
    const middle = all[Math.floor(all.length / 2)]!;
    const window = (await page(`from=${middle.ts}&to=${middle.ts}`)).entries;
    expect(window.map((e) => e.id)).toEqual([middle.id]);
  });

  it('pages newest first with a nextBefore cursor until the end', async () => {
    const all = (await page('limit=1000')).entries;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const result: { entries: AuditEntry[]; nextBefore: number | null } = await page(`limit=2${cursor ? `&before=${cursor}` : ''}`);
      seen.push(...result.entries.map((e) => e.id));
      cursor = result.nextBefore;
    } while (cursor !== null);
    // Reading the audit log is not itself a change, so the pages see the same entries.
    expect(seen).toEqual(all.map((e) => e.id));
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('rejects bad filters and non-admins', async () => {
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?outcome=maybe' })).statusCode).toBe(400);
    expect((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=0' })).statusCode).toBe(400);
    expect((await server.injectAs('operator', { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
  });

  it('records requests refused for lack of permission', async () => {
    await server.injectAs('viewer', { method: 'DELETE', url: '/api/v1/users/1' });
    const [denied] = (await page('action=access.denied')).entries;
    expect(denied).toMatchObject({ actor: 'test-viewer', actorKind: 'user', target: 'DELETE /api/v1/users/:id', outcome: 'denied', details: { permission: 'users:manage' } });
  });

  it('is append-only in the database itself', async () => {
    const { db, dialect } = server.app.ctx.sql;
    const before = (await page('limit=1000')).entries.length;
    await expect(db.updateTable('audit_log').set({ outcome: 'success' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    if (dialect === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    // Reading adds no entry, so the log is exactly as it was.
    expect((await page('limit=1000')).entries).toHaveLength(before);
  });

  it('keeps the order entries were recorded in, also for a burst from background work', async () => {
    const audit = server.app.ctx.audit;
    for (let i = 0; i < 1200; i++) audit.record({ actor: 'scheduler', actorKind: 'system', action: 'test.burst', target: `n:${i}`, outcome: 'success', details: { i } });
    const entries = await audit.query({ action: 'test.burst', limit: 2000 });
    expect(entries).toHaveLength(1200);
    expect(entries.map((e) => e.details!.i)).toEqual(Array.from({ length: 1200 }, (_, i) => 1199 - i));
  });
});
