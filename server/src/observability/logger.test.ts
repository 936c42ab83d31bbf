import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';
import { redactUrl } from './logger.ts';

describe('logs', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('never contain a password, token or API key secret', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
    });
    server = await startTestServer({ logStream: stream, config: { logLevel: 'trace' } });
    const login = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).json();
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'a-wrong-password-here' } });
    const refreshed = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } })).json();
    const bearer = { authorization: `Bearer ${refreshed.accessToken}` };
    const key = (await server.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: bearer, payload: { name: 'logged' } })).json();
    expect(key.secret).toMatch(/^sco_/);
    await server.app.inject({ method: 'GET', url: `/api/v1/auth/me?access_token=${refreshed.accessToken}` });
    await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${key.secret}` } });
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: bearer, payload: { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'the-next-admin-password' } });
    // Refresh-token reuse last: it revokes the session whose access token the calls above use.
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: login.refreshToken } });

    expect(logged).toContain('request completed');
    expect(logged).toContain('access_token=[Redacted]');
    const secrets = [TEST_ADMIN_PASSWORD, 'a-wrong-password-here', 'the-next-admin-password', login.accessToken, login.refreshToken, refreshed.accessToken, refreshed.refreshToken, key.secret];
    for (const secret of secrets) expect(logged).not.toContain(secret);
    // JWT parts could leak on their own too (e.g. a signature in an error message).
    expect(logged).not.toContain(refreshed.accessToken.split('.')[2]);
  });

  it('writes one access line per request, with its id, request, status and time', async () => {
    const stream = new PassThrough();
    let logged = '';
    stream.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    server = await startTestServer({ logStream: stream, config: { logLevel: 'info' } });
    await server.app.inject({ method: 'GET', url: '/api/v1/version?token=hidden-value' });
    await server.app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
    const lines = logged.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.filter((line) => line.msg === 'request completed');
    expect(lines.some((line) => line.msg === 'incoming request')).toBe(false);
    expect(access).toHaveLength(2);
    // /version takes no query parameter (400), but the line is written all the same.
    expect(access[0]).toMatchObject({ level: 30, req: { method: 'GET', url: '/api/v1/version?token=[Redacted]' }, res: { statusCode: 400 } });
    expect(access[1]).toMatchObject({ req: { url: '/api/v1/no-such-route' }, res: { statusCode: 404 } });
    for (const line of access) {
      expect(typeof line.reqId).toBe('string');
      expect(typeof line.responseTime).toBe('number');
    }
    expect(access[0]!.reqId).not.toBe(access[1]!.reqId);
    expect(logged).not.toContain('hidden-value');
  });

  it('redacts credentials in query strings', () => {
    expect(redactUrl('/api/v1/stream?access_token=abc.def&since=5')).toBe('/api/v1/stream?access_token=[Redacted]&since=5');
    expect(redactUrl('/x?a=1&token=t')).toBe('/x?a=1&token=[Redacted]');
  });
});
