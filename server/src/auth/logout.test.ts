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
});
