import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

/**
 * A token in the URL is accepted by the event stream only, and the console uses a
 * single-use, short-lived, stream-only ticket instead of its access token there.
 */
describe('stream tickets and query credentials', () => {
  let server: TestServer;
  let clock = Date.UTC(2026, 0, 1);
  const open: AbortController[] = [];

  beforeAll(async () => {
    server = await startTestServer({ listen: true, now: () => clock });
  });
  afterAll(async () => {
    for (const controller of open) controller.abort();
    await server.close();
  });

  async function ticketFor(token: string): Promise<{ ticket: string; expiresIn: number }> {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toContain('no-store');
    return response.json();
  }
  /** Status of a stream connection, cut off once the headers arrive. */
  async function stream(query: string): Promise<number> {
    const controller = new AbortController();
    open.push(controller);
    const response = await fetch(`${server.url}/api/v1/stream?${query}`, { signal: controller.signal });
    controller.abort();
    return response.status;
  }

  it('refuses ?access_token= on every route but the stream', async () => {
    const token = await server.tokenFor('admin');
    for (const url of ['/api/v1/auth/me', '/api/v1/users', '/api/v1/alerts', '/api/v1/metrics/series']) {
      const response = await server.app.inject({ method: 'GET', url: `${url}?access_token=${token}` });
      expect(response.statusCode, url).toBe(401);
    }
    expect(await stream(`access_token=${token}`)).toBe(200);
  });

  it('a ticket opens the stream once, is refused the second time, and is good for nothing else', async () => {
    const { ticket, expiresIn } = await ticketFor(await server.tokenFor('viewer'));
    expect(ticket).toMatch(/^sst_/);
    expect(expiresIn).toBe(60);
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${ticket}` } });
    expect(me.statusCode).toBe(401);
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/auth/me?ticket=${ticket}` })).statusCode).toBe(401);
    expect(await stream(`ticket=${ticket}`)).toBe(200);
    expect(await stream(`ticket=${ticket}`)).toBe(401);
    expect(await stream('ticket=sst_forged')).toBe(401);
  });

  it('a ticket lapses after its lifetime', async () => {
    const { ticket } = await ticketFor(await server.tokenFor('viewer'));
    clock += 61_000;
    expect(await stream(`ticket=${ticket}`)).toBe(401);
  });

  it('a ticket dies with its session', async () => {
    const login = (await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_ADMIN_PASSWORD } })).json();
    const { ticket } = await ticketFor(login.accessToken);
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: login.refreshToken } });
    expect(await stream(`ticket=${ticket}`)).toBe(401);
  });

  it('needs a signed-in user with stream:read: anonymous 401, API keys 403', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', payload: {} })).statusCode).toBe(401);
    const key = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'script' } })).json();
    const byKey = await server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', headers: { authorization: `Bearer ${key.secret}` }, payload: {} });
    expect(byKey.statusCode).toBe(403);
  });
});
