import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * `POST /auth/password` verifies the current password: with a stolen access token it was a
 * way to guess the password without end, past the login's lockout and rate limit, each guess
 * an argon2 verification on our cores. It now counts like a login: wrong current passwords
 * lock the username, and the route has the login's rate limit per client address.
 */
describe('guessing the current password through a password change', { timeout: 120_000 }, () => {
  let server: TestServer;
  afterEach(() => server?.close());

  const change = async (token: string, currentPassword: string, remoteAddress = '127.0.0.1') =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${token}` }, payload: { currentPassword, newPassword: 'a-new-password-123' }, remoteAddress });

  it('wrong current passwords lock the username, for logins too', async () => {
    server = await startTestServer({ config: { lockoutFailuresPerUser: 3, lockoutFailuresPerIp: 50, lockoutSeconds: 60 } });
    const token = await server.tokenFor('viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await change(token, `wrong-guess-${i}`)).statusCode);
    expect(statuses).toEqual([400, 400, 400]);
    // Even the right password is refused now, as a login would be.
    const locked = await change(token, 'test-viewer-password-1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'E_LOCKED_OUT' } });
    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'test-viewer', password: 'test-viewer-password-1' } });
    expect(login.statusCode).toBe(429);
    // The viewer signed in from this address (tokenFor), so the lock is the address's own
    // count of the username (docs/server.md, "Lockout and rate limits").
    expect((await server.app.ctx.audit.query({ action: 'auth.lockout' })).map((e) => e.target)).toEqual(['user:test-viewer@127.0.0.1']);
  });

  it('has the login\'s rate limit per client address', async () => {
    server = await startTestServer({ config: { authRateLimitPerMinute: 2, lockoutFailuresPerUser: 100, lockoutFailuresPerIp: 100 } });
    const token = await server.tokenFor('operator');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await change(token, `wrong-guess-${i}`, '10.0.0.7')).statusCode);
    expect(statuses).toEqual([400, 400, 429]);
  });
});
