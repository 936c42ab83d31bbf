import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from '../config.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

describe('SMARTCLOUDOPS_TRUST_PROXY', () => {
  it('parses false, true, hop counts and address lists, and refuses anything else naming the variable', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,fd00::/8')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
    for (const bad of ['proxy.local', '10.0.0.0/33', '0', '1.2.3.4/8/1', 'yes']) {
      expect(() => parseTrustProxy(bad)).toThrow(ConfigError);
      expect(() => parseTrustProxy(bad)).toThrow(/SMARTCLOUDOPS_TRUST_PROXY/);
    }
    expect(loadConfig({ SMARTCLOUDOPS_TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
  });
});

describe('behind a trusted proxy', () => {
  let server: TestServer;
  afterEach(() => server.close());
  const failLogin = (forwardedFor: string) =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ghost', password: 'wrong-password' }, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor } });

  it('lockout and the audit log see the client address from X-Forwarded-For', async () => {
    server = await startTestServer({ config: { trustProxy: ['127.0.0.1'], lockoutFailuresPerIp: 2, lockoutFailuresPerUser: 100 } });
    await failLogin('203.0.113.7');
    await failLogin('203.0.113.7');
    expect((await server.app.ctx.audit.query({ action: 'auth.login' })).map((entry) => entry.ip)).toEqual(['203.0.113.7', '203.0.113.7']);
    expect((await server.app.ctx.audit.query({ action: 'auth.lockout' })).map((entry) => entry.target)).toEqual(['ip:203.0.113.7']);
    // Another client behind the same proxy is not locked out with it.
    expect((await failLogin('198.51.100.1')).statusCode).toBe(401);
  }, 120_000);

  it('ignores X-Forwarded-For from an address it does not trust', async () => {
    server = await startTestServer({ config: { lockoutFailuresPerIp: 100, lockoutFailuresPerUser: 100 } });
    await failLogin('203.0.113.7');
    expect((await server.app.ctx.audit.query({ action: 'auth.login' })).map((entry) => entry.ip)).toEqual(['127.0.0.1']);
  }, 120_000);
});
