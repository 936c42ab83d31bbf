import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { auditEntries, whileRefused } from '../audit/testing/refuse-audit.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Auth events that change state commit with their audit entries (the style of
 * `audit/atomic.test.ts`: the entry's INSERT is made to fail). They used to write the change
 * (a session ended, a password, a lock) and queue the entry after it: a failed entry, or a
 * crash between the two, kept a change nobody was recorded as having made.
 */
describe.each(testDatabases())('an auth change and its audit entry commit together ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), config: { lockoutFailuresPerUser: 3, lockoutFailuresPerIp: 1000, lockoutSeconds: 60 } });
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  async function createUser(username: string, password: string): Promise<void> {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username, password, role: 'viewer', mustChangePassword: false } });
    expect(created.statusCode).toBe(201);
  }
  const login = (username: string, password: string) => server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const me = (accessToken: string) => server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${accessToken}` } });
  const sessions = async (username: string) =>
    Number(
      (await server.app.ctx.sql.db.selectFrom('refresh_tokens').innerJoin('users', 'users.id', 'refresh_tokens.user_id').select((eb) => eb.fn.countAll().as('n')).where('users.username', '=', username).executeTakeFirstOrThrow()).n,
    );

  it('a login whose entry cannot be stored starts no session', async () => {
    await createUser('atomic-login', 'atomic-login-password-1');
    const refused = await whileRefused(server, 'auth.login', () => login('atomic-login', 'atomic-login-password-1'));
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Before: a live session (refresh token) no entry accounts for.
    expect(await sessions('atomic-login')).toBe(0);
    expect((await login('atomic-login', 'atomic-login-password-1')).statusCode).toBe(200);
    expect(await sessions('atomic-login')).toBe(1);
  });

  it('a logout whose entry cannot be stored leaves the session live', async () => {
    await createUser('atomic-logout', 'atomic-logout-password-1');
    const pair = (await login('atomic-logout', 'atomic-logout-password-1')).json() as { accessToken: string; refreshToken: string };
    const refused = await whileRefused(server, 'auth.logout', () => server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: pair.refreshToken } }));
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Before: the session ended (the access token refused) with no entry saying so.
    expect((await me(pair.accessToken)).statusCode).toBe(200);
    expect(await auditEntries(server, 'auth.logout')).toHaveLength(0);
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: pair.refreshToken } })).statusCode).toBe(204);
    expect((await me(pair.accessToken)).statusCode).toBe(401);
    expect(await auditEntries(server, 'auth.logout')).toHaveLength(1);
  });

  it('a password change whose entry cannot be stored changes nothing and ends no session', async () => {
    await createUser('atomic-change', 'atomic-change-password-1');
    const pair = (await login('atomic-change', 'atomic-change-password-1')).json() as { accessToken: string };
    const change = () => server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${pair.accessToken}` }, payload: { currentPassword: 'atomic-change-password-1', newPassword: 'atomic-change-password-2' } });
    const refused = await whileRefused(server, 'auth.password_change', change);
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Before: the new password in force and every session ended, with no entry (nor a session for this client).
    expect((await me(pair.accessToken)).statusCode).toBe(200);
    expect((await login('atomic-change', 'atomic-change-password-1')).statusCode).toBe(200);
    expect((await auditEntries(server, 'auth.password_change')).filter((e) => e.outcome === 'success')).toHaveLength(0);
    expect((await change()).statusCode).toBe(200);
    expect((await login('atomic-change', 'atomic-change-password-2')).statusCode).toBe(200);
  });

  it('an admin password reset whose entry cannot be stored changes nothing', async () => {
    await createUser('atomic-reset', 'atomic-reset-password-1');
    const pair = (await login('atomic-reset', 'atomic-reset-password-1')).json() as { accessToken: string; user: { id: number } };
    const reset = () => server.injectAs('admin', { method: 'POST', url: `/api/v1/users/${pair.user.id}/password`, payload: { password: 'atomic-reset-password-2', mustChangePassword: false } });
    const refused = await whileRefused(server, 'user.password_reset', reset);
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    expect((await me(pair.accessToken)).statusCode).toBe(200);
    expect((await login('atomic-reset', 'atomic-reset-password-1')).statusCode).toBe(200);
    expect((await reset()).statusCode).toBe(200);
    expect((await login('atomic-reset', 'atomic-reset-password-2')).statusCode).toBe(200);
  });

  it('a lock whose entry cannot be stored is not taken', async () => {
    await createUser('atomic-lock', 'atomic-lock-password-1');
    for (let i = 0; i < 2; i++) expect((await login('atomic-lock', 'wrong-password')).statusCode).toBe(401);
    const refused = await whileRefused(server, 'auth.lockout', () => login('atomic-lock', 'wrong-password'));
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Before: locked out (429) with no entry saying the account was locked.
    expect(await auditEntries(server, 'auth.lockout')).toHaveLength(0);
    expect((await login('atomic-lock', 'wrong-password')).statusCode).toBe(401);
    expect(await auditEntries(server, 'auth.lockout')).toHaveLength(1);
    expect((await login('atomic-lock', 'atomic-lock-password-1')).statusCode).toBe(429);
  });
});
