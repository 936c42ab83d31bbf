import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { actAs } from '../testing/act-as.ts';
import { openEventStream } from '../testing/open-stream.ts';

/**
 * An open event stream ends with its credential, whatever the credential: a stream opened
 * with an API key kept delivering alerts, incidents and runbook output after the key was
 * revoked, its owner disabled or removed (a leaked key's one remedy did nothing to its open
 * stream), and a removed user's session streams went on too (the removal took the session
 * rows without saying so). Local changes cut at once; the rest (another replica's
 * revocation, a key's expiry) at the next periodic check.
 */
describe('event streams of a revoked key or a removed user', { timeout: 120_000 }, () => {
  let server: TestServer;
  let clock = Date.now();
  const controllers: AbortController[] = [];
  const acting = actAs(() => server);

  beforeAll(async () => {
    // The periodic check never runs here: a stream that ends was cut at once (the last test has a server of its own).
    server = await startTestServer({ listen: true, now: () => clock, streamRecheckMs: 3_600_000 });
  });
  afterAll(async () => {
    for (const controller of controllers) controller.abort();
    await server.close();
  });

  const openStream = (bearer: string, on: TestServer = server) => openEventStream(on.url, { bearer }, controllers);

  const user = async (username: string, role: 'viewer' | 'operator') => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username, password: `${username}-password-1`, role, mustChangePassword: false } });
    expect(created.statusCode, created.body).toBe(201);
    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: `${username}-password-1` } });
    return { id: created.json().id as number, token: login.json().accessToken as string };
  };
  const keyOf = async (token: string, body: object) => {
    const created = await server.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${token}` }, payload: { expiresAt: clock + 3_600_000, ...body } });
    expect(created.statusCode, created.body).toBe(201);
    return created.json() as { key: { id: number }; secret: string };
  };

  it("revoking an API key cuts that key's open stream at once, not the owner's other keys", async () => {
    const revoked = await acting.apiKey('viewer', { name: 'wallboard-1' });
    const other = await acting.apiKey('viewer', { name: 'wallboard-2' });
    const cut = await openStream(revoked.key);
    const kept = await openStream(other.key);
    const id = (await acting.as<{ keys: Array<{ id: number; name: string }> }>('viewer', 'GET', '/api-keys')).body.keys.find((k) => k.name === 'wallboard-1')!.id;
    expect((await acting.as('viewer', 'DELETE', `/api-keys/${id}`)).status).toBe(200);
    await cut.ended;
    expect(kept.isOpen()).toBe(true);
    expect((await fetch(`${server.url}/api/v1/stream`, { headers: { authorization: `Bearer ${revoked.key}` } })).status).toBe(401);
    kept.close();
  });

  it("disabling a user cuts the open streams of their API keys at once, as it does their sessions'", async () => {
    const dora = await user('dora', 'operator');
    const key = await keyOf(dora.token, { name: 'dora-script', role: 'operator' });
    const byKey = await openStream(key.secret);
    const bySession = await openStream(dora.token);
    expect((await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${dora.id}`, payload: { disabled: true } })).statusCode).toBe(200);
    await bySession.ended;
    await byKey.ended;
  });

  it("removing a user cuts the open streams of their sessions and their keys at once", async () => {
    const rita = await user('rita', 'viewer');
    const key = await keyOf(rita.token, { name: 'rita-script' });
    const byKey = await openStream(key.secret);
    const bySession = await openStream(rita.token);
    expect((await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/users/${rita.id}` })).statusCode).toBe(200);
    await bySession.ended;
    await byKey.ended;
  });

  it("a password change ends the user's session streams but not their keys' (keys outlive a password change)", async () => {
    const paul = await user('paul', 'viewer');
    const key = await keyOf(paul.token, { name: 'paul-script' });
    const byKey = await openStream(key.secret);
    const bySession = await openStream(paul.token);
    const changed = await server.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${paul.token}` }, payload: { currentPassword: 'paul-password-1', newPassword: 'paul-password-2-long' } });
    expect(changed.statusCode, changed.body).toBe(200);
    await bySession.ended;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(byKey.isOpen()).toBe(true);
    byKey.close();
  });

  it("a key's stream ends at the next periodic check once the key has expired", async () => {
    const checked = await startTestServer({ listen: true, now: () => clock, streamRecheckMs: 200 });
    try {
      const key = await actAs(() => checked).apiKey('viewer', { name: 'short-lived', expiresAt: clock + 60_000 });
      const stream = await openStream(key.key, checked);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stream.isOpen()).toBe(true);
      clock += 120_000;
      await stream.ended;
    } finally {
      await checked.close();
    }
  });
});
