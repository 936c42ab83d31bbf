import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

/**
 * An access token lives no longer than its session: once the refresh-token family is
 * revoked (reuse detection, logout, password change) the access tokens of that family are
 * refused at once, also after a restart, instead of working until they expire.
 */
interface Pair {
  accessToken: string;
  refreshToken: string;
}

// Each test signs in two or three times (argon2): at a load average of 40 one took 42 s.
// A ceiling, not a bound: nothing here waits on the clock.
describe('access tokens tied to their session', { timeout: 120_000 }, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function start(dataDir?: string) {
    const server = await startTestServer(dataDir ? { dataDir } : {});
    servers.push(server);
    return server;
  }
  const login = async (server: TestServer, password = TEST_ADMIN_PASSWORD): Promise<Pair> => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const refresh = (server: TestServer, refreshToken: string) => server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
  const me = (server: TestServer, accessToken: string) => server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${accessToken}` } });

  it('a long session (many refreshes) stays live, and its revocation check reads only revoked tokens', async () => {
    const server = await start();
    let pair = await login(server);
    for (let i = 0; i < 5; i++) {
      const previous = pair;
      pair = (await refresh(server, previous.refreshToken)).json() as Pair;
      expect((await me(server, pair.accessToken)).statusCode).toBe(200);
    }
    // Every request asks "has this session a revoked token?": through the index of revoked
    // tokens (migration 065), not by reading each token the session ever had.
    const plan = server.app.ctx.db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM refresh_tokens WHERE family = ? AND revoked_at IS NOT NULL').all('f') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/refresh_tokens_family_revoked/);
    // Logging out ends the session: its latest access token is refused at once.
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: pair.refreshToken } })).statusCode).toBe(204);
    expect((await me(server, pair.accessToken)).statusCode).toBe(401);
  });

  it('refresh-token reuse ends every access token of the family at once', async () => {
    const server = await start();
    const first = await login(server);
    const other = await login(server);
    const second = (await refresh(server, first.refreshToken)).json() as Pair;
    expect((await me(server, first.accessToken)).statusCode).toBe(200);
    expect((await me(server, second.accessToken)).statusCode).toBe(200);

    // The consumed token comes back: it was copied, so the family is revoked.
    expect((await refresh(server, first.refreshToken)).statusCode).toBe(401);
    for (const token of [first.accessToken, second.accessToken]) {
      const response = await me(server, token);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('E_TOKEN_INVALID');
    }
    // Another session of the same user is not affected.
    expect((await me(server, other.accessToken)).statusCode).toBe(200);
  });

  it('logout ends the access token of its session', async () => {
    const server = await start();
    const pair = await login(server);
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: pair.refreshToken } });
    expect((await me(server, pair.accessToken)).statusCode).toBe(401);
  });

  it('a password change ends the access tokens of every session of the user; the new pair works', async () => {
    const server = await start();
    const here = await login(server);
    const elsewhere = await login(server);
    const change = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${here.accessToken}` },
      payload: { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'a-brand-new-password' },
    });
    expect(change.statusCode).toBe(200);
    expect((await me(server, here.accessToken)).statusCode).toBe(401);
    expect((await me(server, elsewhere.accessToken)).statusCode).toBe(401);
    expect((await me(server, (change.json() as Pair).accessToken)).statusCode).toBe(200);
  });

  it('the revocation survives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-revoke-'));
    const before = await startTestServer({ dataDir });
    const revoked = await login(before);
    const alive = await login(before);
    await refresh(before, revoked.refreshToken);
    await refresh(before, revoked.refreshToken);
    await before.app.close();

    const after = await start(dataDir);
    expect((await me(after, revoked.accessToken)).statusCode).toBe(401);
    expect((await me(after, alive.accessToken)).statusCode).toBe(200);
  });
});
