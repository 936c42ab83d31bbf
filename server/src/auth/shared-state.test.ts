import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

/**
 * The security state two servers on one database must agree on: lockout counters, rate
 * limits, refresh-token families and revocations, signing keys and users. Run on SQLite
 * (two servers on one data folder's file) and on PostgreSQL (two servers on one database).
 */
describe.each(testDatabases())('auth state shared through the database ($name)', (database) => {
  const databases = useTestDatabase(database);
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.app.close();
  });

  /** Two servers ("replicas") on one fresh database. */
  async function pair(config: Parameters<typeof startTestServer>[0] = {}) {
    const env = await databases.fresh();
    // On SQLite both use one data folder (its file is the database); on PostgreSQL each has its own.
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-pair-'));
    const dataDir = () => (database.name === 'sqlite' ? shared : fs.mkdtempSync(path.join(os.tmpdir(), 'sco-pair-')));
    const a = await startTestServer({ ...config, env, dataDir: dataDir() });
    servers.push(a);
    const b = await startTestServer({ ...config, env, dataDir: dataDir() });
    servers.push(b);
    return { a, b };
  }
  const login = (server: TestServer, username: string, password: string, remoteAddress = '127.0.0.1') =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
  const me = (server: TestServer, token: string) => server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });

  it.skipIf(database.skip)('a login locked out on one server is refused on the other', async () => {
    const { a, b } = await pair({ config: { lockoutFailuresPerUser: 3, lockoutFailuresPerIp: 50, lockoutSeconds: 600 } });
    for (let i = 0; i < 3; i++) expect((await login(i % 2 === 0 ? a : b, 'admin', 'wrong-password')).statusCode).toBe(401);
    const refused = await login(b, 'admin', TEST_ADMIN_PASSWORD, '10.1.1.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('E_LOCKED_OUT');
    expect((await login(a, 'admin', TEST_ADMIN_PASSWORD, '10.1.1.2')).json().error.code).toBe('E_LOCKED_OUT');
  }, 120_000);

  it.skipIf(database.skip)('the rate limit counts requests to both servers together', async () => {
    const { a, b } = await pair({ config: { authRateLimitPerMinute: 3 } });
    const refresh = (server: TestServer, i: number) => server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: `scr_unknown${i}` }, remoteAddress: '10.2.2.2' });
    const statuses = [await refresh(a, 1), await refresh(b, 2), await refresh(a, 3), await refresh(b, 4)].map((r) => r.statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  }, 120_000);

  it.skipIf(database.skip)('sessions: a refresh on one server, its replay on the other revokes the family everywhere', async () => {
    const { a, b } = await pair();
    const first = (await login(a, 'admin', TEST_ADMIN_PASSWORD)).json() as { accessToken: string; refreshToken: string };
    expect((await me(b, first.accessToken)).statusCode).toBe(200);
    const rotated = await b.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(rotated.statusCode).toBe(200);
    const replay = await a.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(replay.statusCode).toBe(401);
    // The family is revoked: the successor's access token stops working on both servers.
    const successor = rotated.json() as { accessToken: string };
    expect((await me(a, successor.accessToken)).statusCode).toBe(401);
    expect((await me(b, successor.accessToken)).statusCode).toBe(401);
  }, 120_000);

  it.skipIf(database.skip)('a logout on one server ends the session on the other', async () => {
    const { a, b } = await pair();
    const session = (await login(a, 'admin', TEST_ADMIN_PASSWORD)).json() as { accessToken: string; refreshToken: string };
    expect((await b.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: session.refreshToken } })).statusCode).toBeLessThan(300);
    expect((await me(a, session.accessToken)).statusCode).toBe(401);
  }, 120_000);

  it.skipIf(database.skip)('both servers sign with the same keys, and a rotation on one is honoured by the other', async () => {
    const { a, b } = await pair();
    const before = (await login(a, 'admin', TEST_ADMIN_PASSWORD)).json() as { accessToken: string };
    expect((await me(b, before.accessToken)).statusCode).toBe(200);
    const rotated = await a.injectAs('admin', { method: 'POST', url: '/api/v1/admin/signing-keys/rotate', payload: {} });
    expect(rotated.statusCode).toBe(200);
    const after = (await login(a, 'admin', TEST_ADMIN_PASSWORD)).json() as { accessToken: string };
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(rotated.json().kid);
    // B never saw the new kid: it looks it up in the database instead of refusing the token.
    expect((await me(b, after.accessToken)).statusCode).toBe(200);
    expect((await me(b, before.accessToken)).statusCode).toBe(200);
  }, 120_000);

  it.skipIf(database.skip)('a user created on one server signs in on the other; disabled there, refused here', async () => {
    const { a, b } = await pair();
    const created = await a.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: 'Carol', password: 'carol-password-1', role: 'operator', mustChangePassword: false } });
    expect(created.statusCode).toBe(201);
    const session = await login(b, 'carol', 'carol-password-1');
    expect(session.statusCode).toBe(200);
    const token = (session.json() as { accessToken: string }).accessToken;
    // The name is unique whatever its case, on both databases.
    expect((await b.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: 'CAROL', password: 'carol-password-2', role: 'viewer' } })).statusCode).toBe(409);
    const id = (created.json() as { id: number }).id;
    expect((await a.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${id}`, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await me(b, token)).statusCode).toBe(401);
    expect((await login(b, 'carol', 'carol-password-1')).statusCode).toBe(401);
  }, 120_000);

  it.skipIf(database.skip)('the last admin cannot be demoted, whichever server is asked', async () => {
    const { a, b } = await pair();
    const admin = (await a.injectAs('admin', { method: 'GET', url: '/api/v1/auth/me' })).json() as { id: number };
    const refused = await b.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${admin.id}`, payload: { role: 'viewer' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('E_CONFLICT');
  }, 120_000);
});
