import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

describe('POST /auth/logout', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('revokes the session and records who logged out', async () => {
    const login = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).json();
    const logout = await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: login.refreshToken } });
    expect(logout.statusCode).toBe(204);
    const refresh = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect(await server.app.ctx.audit.query({ action: 'auth.logout' })).toMatchObject([{ actor: 'admin', actorKind: 'user', outcome: 'success' }]);
  });

  it('answers an unknown token the same way, recorded as a failure', async () => {
    const logout = await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: 'scr_nothing' } });
    expect(logout.statusCode).toBe(204);
    expect(await server.app.ctx.audit.query({ action: 'auth.logout' })).toMatchObject([{ actor: null, outcome: 'failure' }]);
  });

  // Public, and each unknown token an audit row: without the login's rate limit a loop of
  // logouts wrote rows into the append-only log (no retention) until the disk was full.
  it("has the login's rate limit per address, so unknown tokens cannot fill the audit log", async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 35; n++) statuses.push((await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: `scr_guess${n}` } })).statusCode);
    expect(statuses.filter((status) => status === 204)).toHaveLength(server.app.ctx.config.authRateLimitPerMinute);
    expect(statuses.at(-1)).toBe(429);
    expect(await server.app.ctx.audit.query({ action: 'auth.logout', limit: 1000 })).toHaveLength(server.app.ctx.config.authRateLimitPerMinute);
  });
});
