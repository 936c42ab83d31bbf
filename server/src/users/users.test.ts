import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

describe('user administration', () => {
  let server: TestServer;
  afterEach(() => server.close());

  const asAdmin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    server.injectAs('admin', { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  const login = (username: string, password: string) => server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('creates, lists, reads, updates and deletes users, auditing each change', async () => {
    server = await startTestServer();
    const created = await asAdmin('POST', '/users', { username: 'alice', password: 'alice-password-1', role: 'operator' });
    expect(created.statusCode).toBe(201);
    const alice = created.json();
    expect(alice).toMatchObject({ username: 'alice', role: 'operator', disabled: false, mustChangePassword: true });
    expect(JSON.stringify(alice)).not.toContain('hash');

    expect((await asAdmin('POST', '/users', { username: 'ALICE', password: 'alice-password-2', role: 'viewer' })).statusCode).toBe(409);
    expect((await asAdmin('GET', '/users')).json().users.map((u: { username: string }) => u.username)).toEqual(['admin', 'alice']);
    expect((await asAdmin('GET', `/users/${alice.id}`)).json().username).toBe('alice');
    expect((await asAdmin('PATCH', `/users/${alice.id}`, { role: 'viewer' })).json().role).toBe('viewer');
    expect((await asAdmin('DELETE', `/users/${alice.id}`)).statusCode).toBe(200);
    expect((await asAdmin('GET', `/users/${alice.id}`)).statusCode).toBe(404);

    const actions = (await server.app.ctx.audit.query({ action: 'user.*' })).map((e) => `${e.action}:${e.outcome}:${e.actor}`).reverse();
    expect(actions).toEqual(['user.create:success:admin', 'user.create:failure:admin', 'user.update:success:admin', 'user.delete:success:admin']);
  });

  it('never gives a deleted user\'s id to a new user', async () => {
    server = await startTestServer();
    const create = async (username: string) => (await asAdmin('POST', '/users', { username, password: `${username}-password-1`, role: 'operator' })).json().id as number;
    const first = await create('first');
    const newest = await create('newest');
    expect((await asAdmin('DELETE', `/users/${newest}`)).statusCode).toBe(200);
    // The deleted one was the newest: max(id) + 1 would have been its id again.
    const next = await create('next');
    expect(next).toBeGreaterThan(newest);
    expect(first).toBeLessThan(newest);
    expect((await asAdmin('DELETE', `/users/${next}`)).statusCode).toBe(200);
    expect(await create('after')).toBeGreaterThan(next);
  });

  it('rejects short passwords with a validation error', async () => {
    server = await startTestServer();
    const response = await asAdmin('POST', '/users', { username: 'bob', password: 'short', role: 'viewer' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('E_VALIDATION');
  });

  it('never removes, demotes or disables the last admin', async () => {
    server = await startTestServer();
    const adminId = (await asAdmin('GET', '/users')).json().users[0].id;
    for (const [method, payload] of [['PATCH', { role: 'operator' }], ['PATCH', { disabled: true }], ['DELETE', undefined]] as const) {
      const response = await asAdmin(method, `/users/${adminId}`, payload);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('E_CONFLICT');
    }
    await asAdmin('POST', '/users', { username: 'root2', password: 'root2-password-1', role: 'admin', mustChangePassword: false });
    expect((await asAdmin('PATCH', `/users/${adminId}`, { role: 'operator' })).statusCode).toBe(200);
  });

  it('disabling a user refuses their login and revokes their refresh tokens', async () => {
    server = await startTestServer();
    const user = (await asAdmin('POST', '/users', { username: 'carol', password: 'carol-password-1', role: 'viewer', mustChangePassword: false })).json();
    const session = (await login('carol', 'carol-password-1')).json();
    expect((await asAdmin('PATCH', `/users/${user.id}`, { disabled: true })).json().disabled).toBe(true);
    expect((await login('carol', 'carol-password-1')).statusCode).toBe(401);
    const refresh = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    const revoked = server.app.ctx.db.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL').get(user.id) as { n: number };
    expect(revoked.n).toBe(0);
  });

  it('admin reset sets a password that must be changed and ends sessions', async () => {
    server = await startTestServer();
    const user = (await asAdmin('POST', '/users', { username: 'dave', password: 'dave-password-1', role: 'viewer', mustChangePassword: false })).json();
    const session = (await login('dave', 'dave-password-1')).json();
    const reset = await asAdmin('POST', `/users/${user.id}/password`, { password: 'dave-temporary-1' });
    expect(reset.json().mustChangePassword).toBe(true);
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
    expect((await login('dave', 'dave-password-1')).statusCode).toBe(401);
    expect((await login('dave', 'dave-temporary-1')).json().user.mustChangePassword).toBe(true);
  });
});

describe('own password change and the first-run one-time password', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('forces the one-time password to be changed before anything else', async () => {
    server = await startTestServer({ config: { adminPassword: undefined } });
    const oneTime = server.app.handle.oneTimeAdminPassword!;
    expect(oneTime).toBeTruthy();
    const session = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: oneTime } })).json();
    expect(session.user.mustChangePassword).toBe(true);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    expect((await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) })).statusCode).toBe(200);
    const blocked = await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(session.accessToken) });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('E_PASSWORD_CHANGE_REQUIRED');

    const wrongCurrent = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: 'not-it-at-all', newPassword: 'a-brand-new-password' } });
    expect(wrongCurrent.statusCode).toBe(400);
    const same = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: oneTime, newPassword: oneTime } });
    expect(same.statusCode).toBe(400);

    const changed = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: bearer(session.accessToken), payload: { currentPassword: oneTime, newPassword: 'a-brand-new-password' } });
    expect(changed.statusCode).toBe(200);
    const fresh = changed.json();
    expect(fresh.user.mustChangePassword).toBe(false);
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(fresh.accessToken) })).statusCode).toBe(200);
    // The session from before the change is gone; the one handed back works.
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: fresh.refreshToken } })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: oneTime } })).statusCode).toBe(401);

    const audit = (await server.app.ctx.audit.query({ action: 'auth.password_change' })).map((e) => e.outcome);
    expect(audit).toEqual(['success', 'failure', 'failure']);
  });
});
