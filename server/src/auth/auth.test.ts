import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

describe('login and tokens', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('logs in the first-run admin and returns a token pair', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: false });
    expect(body.expiresIn).toBeGreaterThan(0);
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.json()).toMatchObject({ username: 'admin' });
  });

  it('answers wrong password and unknown user identically', async () => {
    const wrong = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'nope-nope-nope' } });
    const unknown = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('E_AUTH_INVALID');
  });

  it('rotates refresh tokens and revokes the family when a used one comes back', async () => {
    const login = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).json();
    const first = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
    expect(first.statusCode).toBe(200);
    const replay = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });
    expect(replay.statusCode).toBe(401);
    // The legitimate successor is now revoked too: the family is gone.
    const successor = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first.json().refreshToken } });
    expect(successor.statusCode).toBe(401);
    expect(successor.json().error.code).toBe('E_TOKEN_INVALID');
  });

  it('records successful and failed logins in the audit log', async () => {
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong-password' } });
    await server.tokenFor('admin');
    const entries = await server.app.ctx.audit.query({ action: 'auth.login' });
    expect(entries.map((e) => e.outcome).sort()).toEqual(['failure', 'success']);
  });
});
