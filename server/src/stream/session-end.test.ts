import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../testing/open-stream.ts';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

/**
 * An open event stream ends with its session: authentication is checked when the stream
 * opens, so without this a stream kept delivering events to a session that had been
 * revoked (logout, refresh-token reuse, password change) for as long as it stayed up.
 */
// Several sign-ins (argon2) per test: a ceiling above the 30 s default for a loaded machine.
describe('event streams of a revoked session', { timeout: 120_000 }, () => {
  let server: TestServer;
  const controllers: AbortController[] = [];

  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(async () => {
    for (const controller of controllers) controller.abort();
    await server.close();
  });

  interface Pair {
    accessToken: string;
    refreshToken: string;
  }
  const login = async (username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<Pair> => {
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const refresh = (refreshToken: string) => server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

  const openStream = (credential: { bearer: string } | { ticket: string }) => openEventStream(server.url, credential, controllers);

  it('logout cuts the streams of that session only', async () => {
    const mine = await login();
    const other = await login();
    const cut = await openStream({ bearer: mine.accessToken });
    const kept = await openStream({ bearer: other.accessToken });
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: mine.refreshToken } });
    await cut.ended;
    expect(kept.isOpen()).toBe(true);
    kept.close();
    await kept.ended;
  });

  it('refresh-token reuse cuts the streams of the revoked family, also one opened with a ticket', async () => {
    const pair = await login();
    const byToken = await openStream({ bearer: pair.accessToken });
    const ticket = await server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', headers: { authorization: `Bearer ${pair.accessToken}` }, payload: {} });
    const byTicket = await openStream({ ticket: ticket.json().ticket });
    expect((await refresh(pair.refreshToken)).statusCode).toBe(200);
    expect(byToken.isOpen() && byTicket.isOpen()).toBe(true);
    // The consumed refresh token comes back: the family is revoked, and its streams end.
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
    await Promise.all([byToken.ended, byTicket.ended]);
    // The client's reconnect is refused.
    const again = await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: `Bearer ${pair.accessToken}` } });
    expect(again.status).toBe(401);
  });

  it('a password change cuts the streams of every session of the user, not of other users', async () => {
    await server.tokenFor('viewer');
    const viewer = await login('test-viewer', 'test-viewer-password-1');
    const here = await login();
    const elsewhere = await login();
    const streams = [await openStream({ bearer: here.accessToken }), await openStream({ bearer: elsewhere.accessToken })];
    const viewerStream = await openStream({ bearer: viewer.accessToken });
    const change = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${here.accessToken}` },
      payload: { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'another-new-password-1' },
    });
    expect(change.statusCode, change.body).toBe(200);
    await Promise.all(streams.map((s) => s.ended));
    expect(viewerStream.isOpen()).toBe(true);
    // The new session's stream opens as usual.
    const fresh = await openStream({ bearer: (change.json() as Pair).accessToken });
    expect(fresh.isOpen()).toBe(true);
  });
});

