import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Fifth attack round: the security headers (CSP, X-Frame-Options, nosniff, HSTS…) were set
 * by a hook that ran after authentication, so every refusal before it — 401 without or with
 * a bad credential, 403 for a viewer or a narrow key, a malformed URL's 400 — went out
 * without them, while the console's own pages and the API's answers had them.
 */
describe('security headers on refusals', () => {
  let server: TestServer;
  let narrowKey = '';
  beforeAll(async () => {
    server = await startTestServer();
    narrowKey = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'wallboard', role: 'operator', scopes: ['metrics:read'] } })).json().secret as string;
  });
  afterAll(() => server.close());

  const hardened = (response: LightMyRequestResponse) => ({
    status: response.statusCode,
    frame: response.headers['x-frame-options'],
    sniff: response.headers['x-content-type-options'],
    csp: String(response.headers['content-security-policy']).includes("frame-ancestors 'none'"),
    hsts: response.headers['strict-transport-security'] !== undefined,
  });
  const expected = (status: number) => ({ status, frame: 'DENY', sniff: 'nosniff', csp: true, hsts: true });

  it('an anonymous or badly signed request refused 401 has them', async () => {
    expect(hardened(await server.app.inject({ method: 'GET', url: '/api/v1/alerts' }))).toEqual(expected(401));
    expect(hardened(await server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: 'Bearer not-a-token' } }))).toEqual(expected(401));
  });

  it("a viewer's or a narrow key's 403 has them", async () => {
    expect(hardened(await server.injectAs('viewer', { method: 'GET', url: '/api/v1/users' }))).toEqual(expected(403));
    expect(hardened(await server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${narrowKey}` } }))).toEqual(expected(403));
  });

  it("a URL the router cannot decode (400) has them", async () => {
    expect(hardened(await server.app.inject({ method: 'GET', url: '/%c0%ae%c0%ae/etc/passwd' }))).toEqual(expected(400));
  });
});
