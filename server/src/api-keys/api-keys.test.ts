import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Role } from '../../../shared/auth/permissions.ts';

describe.each(testDatabases())('API keys ($name)', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  let clock: number;
  beforeEach(async () => {
    if (database.skip) return;
    clock = Date.UTC(2026, 0, 1);
    server = await startTestServer({ env: await databases.fresh(), now: () => clock });
  }, 120_000);
  afterEach(async () => {
    if (!database.skip) await server.close();
  });
  const it = test.skipIf(database.skip);

  const create = (role: Role, payload: Record<string, unknown>) => server.injectAs(role, { method: 'POST', url: '/api/v1/api-keys', payload });
  /** Non-admins must give an expiry; a week ahead of the test clock. */
  const inAWeek = () => clock + 7 * 86_400_000;
  const withKey = (secret: string, url: string, method: 'GET' | 'POST' = 'GET') =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${secret}` } });

  it('returns the secret once, stores only its hash, and authenticates as its owner', async () => {
    const created = await create('operator', { name: 'ci', role: 'operator', expiresAt: inAWeek() });
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json();
    expect(secret).toMatch(/^sco_/);
    expect(key).toMatchObject({ name: 'ci', role: 'operator', scopes: null, ownerUsername: 'test-operator', lastUsedAt: null });
    expect(secret.startsWith(key.prefix)).toBe(true);

    const stored = JSON.stringify(await server.app.ctx.sql.db.selectFrom('api_keys').selectAll().execute());
    expect(stored).toContain(key.prefix);
    expect(stored).not.toContain(secret);
    const list = await server.injectAs('operator', { method: 'GET', url: '/api/v1/api-keys' });
    expect(JSON.stringify(list.json())).not.toContain(secret);

    const me = await withKey(secret, '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe('test-operator');
    const [row] = (await server.injectAs('operator', { method: 'GET', url: '/api/v1/api-keys' })).json().keys;
    expect(row.lastUsedAt).toBe(clock);
  });

  it("cannot exceed its creator's role", async () => {
    const response = await create('operator', { name: 'too-strong', role: 'admin', expiresAt: inAWeek() });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('E_FORBIDDEN');
    expect((await create('operator', { name: 'weaker', role: 'viewer', expiresAt: inAWeek() })).statusCode).toBe(201);
  });

  it('limits a key to its scopes and rejects scopes outside its role', async () => {
    const outside = await create('operator', { name: 'bad', role: 'operator', scopes: ['users:manage'], expiresAt: inAWeek() });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.code).toBe('E_VALIDATION');

    const { secret } = (await create('admin', { name: 'audit-reader', role: 'admin', scopes: ['audit:read'] })).json();
    expect((await withKey(secret, '/api/v1/audit')).statusCode).toBe(200);
    const users = await withKey(secret, '/api/v1/users');
    expect(users.statusCode).toBe(403);
    expect(users.json().error.code).toBe('E_FORBIDDEN');
  });

  it('stops working when revoked or expired, and when its owner is disabled', async () => {
    const revocable = (await create('viewer', { name: 'a', expiresAt: inAWeek() })).json();
    const expiring = (await create('viewer', { name: 'b', expiresAt: clock + 60_000 })).json();
    const ownedByOperator = (await create('operator', { name: 'c', expiresAt: inAWeek() })).json();

    const revoke = await server.injectAs('viewer', { method: 'DELETE', url: `/api/v1/api-keys/${revocable.key.id}` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).toBe(clock);
    expect((await withKey(revocable.secret, '/api/v1/auth/me')).statusCode).toBe(401);

    expect((await withKey(expiring.secret, '/api/v1/auth/me')).statusCode).toBe(200);
    clock += 60_000;
    expect((await withKey(expiring.secret, '/api/v1/auth/me')).statusCode).toBe(401);

    const disable = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${ownedByOperator.key.ownerId}`, payload: { disabled: true } });
    expect(disable.statusCode).toBe(200);
    expect((await withKey(ownedByOperator.secret, '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('drops to the owner’s role when the owner is demoted', async () => {
    const { key, secret } = (await create('admin', { name: 'admin-key', role: 'admin' })).json();
    const second = await server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: 'second-admin', password: 'second-admin-password', role: 'admin', mustChangePassword: false } });
    expect(second.statusCode).toBe(201);
    expect((await withKey(secret, '/api/v1/users')).statusCode).toBe(200);
    const demote = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${key.ownerId}`, payload: { role: 'viewer' } });
    expect(demote.statusCode).toBe(200);
    expect((await withKey(secret, '/api/v1/users')).statusCode).toBe(403);
  });

  it('lets users see and revoke only their own keys; admins see all', async () => {
    const viewerKey = (await create('viewer', { name: 'mine', expiresAt: inAWeek() })).json().key;
    await create('operator', { name: 'theirs', expiresAt: inAWeek() });
    const viewerList = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/api-keys' })).json().keys;
    expect(viewerList.map((k: { name: string }) => k.name)).toEqual(['mine']);
    const adminList = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/api-keys' })).json().keys;
    expect(adminList.map((k: { name: string }) => k.name).sort()).toEqual(['mine', 'theirs']);
    const operatorRevokes = await server.injectAs('operator', { method: 'DELETE', url: `/api/v1/api-keys/${viewerKey.id}` });
    expect(operatorRevokes.statusCode).toBe(404);
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/api-keys/${viewerKey.id}` })).statusCode).toBe(200);
  });

  it('gives the least role unless asked, and requires an expiry from non-admins only', async () => {
    const unnamed = await create('admin', { name: 'plain' });
    expect(unnamed.statusCode).toBe(201);
    expect(unnamed.json().key).toMatchObject({ role: 'viewer', expiresAt: null });
    const forever = await create('operator', { name: 'forever' });
    expect(forever.statusCode).toBe(400);
    expect(forever.json().error).toMatchObject({ code: 'E_VALIDATION', details: [{ path: '/expiresAt' }] });
    const dated = await create('operator', { name: 'dated', expiresAt: inAWeek() });
    expect(dated.json().key).toMatchObject({ role: 'viewer', expiresAt: inAWeek() });
  });

  // An expiry in the year 275760 was taken from anyone: a never-expiring key by another name.
  it("keeps a non-admin's key to a year at most; an admin's may live longer", async () => {
    const year = clock + 365 * 86_400_000;
    for (const role of ['viewer', 'operator'] as const) {
      const farFuture = await create(role, { name: 'far', expiresAt: 8.64e15 });
      expect(farFuture.statusCode).toBe(400);
      expect(farFuture.json().error).toMatchObject({ code: 'E_VALIDATION', details: [{ path: '/expiresAt' }] });
      expect((await create(role, { name: 'two-years', expiresAt: clock + 2 * 365 * 86_400_000 })).statusCode).toBe(400);
      expect((await create(role, { name: 'a-year', expiresAt: year })).statusCode).toBe(201);
    }
    expect((await create('admin', { name: 'ten-years', expiresAt: clock + 10 * 365 * 86_400_000 })).statusCode).toBe(201);
  });

  it('does not let a key mint keys, and audits creation and revocation', async () => {
    const { key, secret } = (await create('admin', { name: 'root-key' })).json();
    const minted = await server.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${secret}` }, payload: { name: 'child' } });
    expect(minted.statusCode).toBe(403);
    await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/api-keys/${key.id}` });
    const actions = (await server.app.ctx.audit.query({ action: 'apikey.*' })).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(['apikey.revoke:success', 'apikey.create:denied', 'apikey.create:success']);
  });
});
