import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../../server/src/testing/test-server.ts';
import type { CreatedApiKey } from '../../../shared/api/api-keys.ts';
import { AppError } from '../../../shared/errors.ts';
import { testCredentialStore } from '../../test/credential-store.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import { UnavailableCredentialStore } from '../credentials/unavailable-store.ts';
import { createServerAxios } from './create-axios.ts';
import { DEFAULT_RETRY, type RetryOptions } from './retry.ts';
import { ServerSession, type SessionStatus } from './server-session.ts';

/** Real backoff code, with the waits recorded instead of slept through. */
function recordedRetry(onSleep: (attempt: number) => Promise<void> = async () => {}): RetryOptions & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ...DEFAULT_RETRY,
    sleeps,
    random: () => 1,
    sleep: async (ms) => {
      sleeps.push(ms);
      await onSleep(sleeps.length);
    },
  };
}

describe('main\'s server session against a real server', () => {
  let server: TestServer;
  const { store, cleanUp } = testCredentialStore();

  beforeAll(async () => {
    server = await startTestServer({ listen: true, accessTokenTtlSeconds: 2 });
  });
  afterAll(async () => {
    await server.close();
    await cleanUp();
  });

  function session(options: { clock?: () => number; retry?: RetryOptions; profileId?: string; url?: string; changes?: SessionStatus[] } = {}) {
    return new ServerSession({
      profileId: options.profileId ?? 'prod',
      http: createServerAxios(options.url ?? server.url, {}),
      credentials: store,
      ...(options.clock ? { now: options.clock } : {}),
      retry: options.retry ?? recordedRetry(),
      onChange: (status) => options.changes?.push(status),
    });
  }

  it('signs in, keeps the refresh token in the keychain, and serves API calls', async () => {
    const changes: SessionStatus[] = [];
    const client = session({ changes });
    const status = await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    expect(status).toMatchObject({ state: 'signed-in', method: 'password', user: { username: 'admin' } });
    expect(changes.map((change) => change.state)).toEqual(['signed-in']);
    expect(await store.get('prod', 'refreshToken')).toEqual(expect.any(String));
    expect(await store.get('prod', 'password')).toBeNull();
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('refreshes before the access token expires, rotating the stored refresh token', async () => {
    let offset = 0;
    const client = session({ clock: () => Date.now() + offset });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    const first = await store.get('prod', 'refreshToken');
    await client.request({ method: 'GET', path: '/api/v1/auth/me' });
    expect(await store.get('prod', 'refreshToken')).toBe(first);
    // 1.6 s into a 2 s token: inside the refresh margin (a quarter of the lifetime).
    offset = 1600;
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin' });
    const second = await store.get('prod', 'refreshToken');
    expect(second).not.toBe(first);
    // The rotated-out token is dead on the server.
    const reuse = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: first } });
    expect(reuse.json()).toMatchObject({ error: { code: 'E_TOKEN_INVALID' } });
  });

  it('renews once when the server finds the token expired before our clock does', async () => {
    let offset = 0;
    const client = session({ clock: () => Date.now() + offset });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    // Our clock lags 10 s behind; wait out the real 2 s lifetime.
    offset = -10_000;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin' });
  });

  it('resumes a stored session in a new session object, as after a restart', async () => {
    await session().loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    const restarted = session();
    await expect(restarted.resume('admin')).resolves.toMatchObject({ state: 'signed-in', user: { username: 'admin' } });
  });

  it('signs in again with a remembered password when the refresh token is revoked', async () => {
    const client = session({ profileId: 'remembered' });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, true);
    const token = await store.get('remembered', 'refreshToken');
    await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: token } });
    await expect(session({ profileId: 'remembered' }).resume('admin')).resolves.toMatchObject({ state: 'signed-in' });
    expect(await store.get('remembered', 'refreshToken')).not.toBe(token);
  });

  it('logs out: revokes on the server and deletes every stored secret', async () => {
    const client = session({ profileId: 'leaving' });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, true);
    const token = await store.get('leaving', 'refreshToken');
    await expect(client.logout()).resolves.toMatchObject({ state: 'signed-out', user: null });
    expect(await store.kinds('leaving')).toEqual([]);
    const reuse = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: token } });
    expect(reuse.statusCode).toBe(401);
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: 'E_AUTH_REQUIRED' });
  });

  it('maps server errors to the catalogue', async () => {
    const client = session({ profileId: 'errors' });
    await expect(client.loginWithPassword('admin', 'wrong-password', false)).rejects.toMatchObject({ code: 'E_AUTH_INVALID' });
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: 'E_AUTH_REQUIRED' });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    await expect(client.request({ method: 'GET', path: '/api/v1/no-such-route' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(client.request({ method: 'GET', path: '/api/v1/%2e%2e/health' })).rejects.toMatchObject({ code: 'E_VALIDATION' });
  });

  it('keeps token endpoints to itself and takes over the session a password change answers', async () => {
    await server.tokenFor('operator');
    const client = session({ profileId: 'changer' });
    await client.loginWithPassword('test-operator', 'test-operator-password-1', true);
    await expect(client.request({ method: 'POST', path: '/api/v1/auth/refresh', body: { refreshToken: 'x' } })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(client.request({ method: 'POST', path: '/api/v1/auth/login', body: { username: 'a', password: 'b' } })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const before = await store.get('changer', 'refreshToken');
    const answer = await client.request({ method: 'POST', path: '/api/v1/auth/password', body: { currentPassword: 'test-operator-password-1', newPassword: 'a-new-operator-password-2' } });
    expect(answer).toEqual({ user: expect.objectContaining({ username: 'test-operator' }), expiresIn: expect.any(Number) });
    expect(JSON.stringify(answer)).not.toMatch(/Token/);
    expect(await store.get('changer', 'refreshToken')).not.toBe(before);
    expect(await store.get('changer', 'password')).toBe('a-new-operator-password-2');
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'test-operator' });
    await expect(session({ profileId: 'changer' }).resume('test-operator')).resolves.toMatchObject({ state: 'signed-in' });
  });

  it('keeps token endpoints to itself however their path is escaped, and hands no token of any answer to the renderer', async () => {
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/users', payload: { username: 'escaper', password: 'escaper-password-1', role: 'viewer', mustChangePassword: false } });
    expect(created.statusCode).toBe(201);
    const client = session({ profileId: 'escaper' });
    await client.loginWithPassword('escaper', 'escaper-password-1', true);
    // The server's router decodes escapes: %6c is 'l', so this is auth/login.
    await expect(client.request({ method: 'POST', path: '/api/v1/auth/%6cogin', body: { username: 'escaper', password: 'escaper-password-1' } })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    await expect(client.request({ method: 'POST', path: '/api/v1/%61uth/refresh', body: { refreshToken: 'x' } })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    const before = await store.get('escaper', 'refreshToken');
    const answer = await client.request({ method: 'POST', path: '/api/v1/auth/%70assword', body: { currentPassword: 'escaper-password-1', newPassword: 'a-new-escaper-password-2' } });
    expect(JSON.stringify(answer)).not.toMatch(/Token/);
    expect(answer).toEqual({ user: expect.objectContaining({ username: 'escaper' }), expiresIn: expect.any(Number) });
    // Main took the new session over, as for the plain path.
    expect(await store.get('escaper', 'refreshToken')).not.toBe(before);
    expect(await store.get('escaper', 'password')).toBe('a-new-escaper-password-2');
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'escaper' });
  });

  it('signs out when its API key is revoked', async () => {
    const admin = session({ profileId: 'key-admin' });
    await admin.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    const created = (await admin.request({ method: 'POST', path: '/api/v1/api-keys', body: { name: 'desktop-test', role: 'viewer' } })) as CreatedApiKey;
    const client = session({ profileId: 'key-user' });
    await expect(client.loginWithApiKey(created.secret)).resolves.toMatchObject({ state: 'signed-in', method: 'apiKey' });
    await admin.request({ method: 'DELETE', path: `/api/v1/api-keys/${created.key.id}` });
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: expect.stringMatching(/^E_(TOKEN_INVALID|AUTH_REQUIRED)$/) });
    expect(client.status()).toEqual({ state: 'signed-out', method: null, user: null });
    expect(await store.kinds('key-user')).toEqual([]);
  });

  it('accepts an API key as the credential', async () => {
    const token = await server.tokenFor('viewer');
    const client = session({ profileId: 'keyed' });
    await expect(client.loginWithApiKey(token)).resolves.toMatchObject({ state: 'signed-in', method: 'apiKey', user: { username: 'test-viewer' } });
    expect(await store.kinds('keyed')).toEqual(['apiKey']);
  });
});

/** A keychain that was there at start-up and now refuses every call (locked, its service gone). */
const refusingKeychain: CredentialStore = {
  backend: 'keychain',
  get: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.')),
  set: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.')),
  delete: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.')),
  deleteAll: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.')),
  kinds: () => Promise.reject(new AppError('E_KEYCHAIN_UNAVAILABLE', 'The OS keychain did not answer.')),
};

describe('signing in where secrets cannot be kept', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ listen: true });
  });
  afterAll(async () => {
    await server.close();
  });

  const stores: [string, CredentialStore][] = [
    ['no keychain and no OS encryption', new UnavailableCredentialStore('none in this test')],
    ['a keychain that refuses', refusingKeychain],
  ];
  for (const [where, credentials] of stores) {
    const session = () => new ServerSession({ profileId: 'kept-nowhere', http: createServerAxios(server.url, {}), credentials, retry: recordedRetry() });

    it(`signs in with a password, in memory only, with ${where}`, async () => {
      const client = session();
      await expect(client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, true)).resolves.toMatchObject({ state: 'signed-in', method: 'password' });
      await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin' });
    });

    it(`signs in with an API key, in memory only, with ${where}`, async () => {
      const client = session();
      await expect(client.loginWithApiKey(await server.tokenFor('viewer'))).resolves.toMatchObject({ state: 'signed-in', method: 'apiKey' });
      await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'test-viewer' });
    });
  }

  it('signs out when the keychain refuses, and says the stored secrets could not be deleted', async () => {
    const client = new ServerSession({ profileId: 'kept-nowhere', http: createServerAxios(server.url, {}), credentials: refusingKeychain, retry: recordedRetry() });
    await client.loginWithPassword('admin', TEST_ADMIN_PASSWORD, false);
    await expect(client.logout()).rejects.toMatchObject({ code: 'E_KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('Signed out') });
    expect(client.status()).toEqual({ state: 'signed-out', method: null, user: null });
    await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: 'E_AUTH_REQUIRED' });
  });
});

describe('retries and network failures', () => {
  it('retries a GET through "connection refused" until the server is back', async () => {
    const first = await startTestServer({ listen: true });
    const { port } = first.app.server.address() as AddressInfo;
    await first.app.close();
    let revived: Awaited<ReturnType<typeof startTestServer>> | undefined;
    const { store, cleanUp } = testCredentialStore();
    const retry = recordedRetry(async (attempt) => {
      if (attempt === 2) {
        revived = await startTestServer({ dataDir: first.dataDir });
        await revived.app.listen({ host: '127.0.0.1', port });
      }
    });
    try {
      const client = new ServerSession({ profileId: 'flaky', http: createServerAxios(`http://127.0.0.1:${port}`, {}), credentials: store, retry });
      await expect(client.loginWithApiKey('not-a-real-key-at-all')).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
      expect(retry.sleeps).toEqual([250, 500]);
    } finally {
      await revived?.close();
      await cleanUp();
    }
  });

  it('retries GET on 503 with growing backoff, never POST', async () => {
    const hits: string[] = [];
    const unavailable = http.createServer((request, response) => {
      hits.push(request.method ?? '');
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'E_UNAVAILABLE', message: 'Starting up.' } }));
    });
    await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
    const { port } = unavailable.address() as AddressInfo;
    const { store, cleanUp } = testCredentialStore();
    const retry = recordedRetry();
    const client = new ServerSession({ profileId: 'busy', http: createServerAxios(`http://127.0.0.1:${port}`, {}), credentials: store, retry });
    try {
      await expect(client.loginWithApiKey('some-api-key-value')).rejects.toMatchObject({ code: 'E_UNAVAILABLE', message: 'Starting up.' });
      expect(hits).toEqual(['GET', 'GET', 'GET', 'GET']);
      expect(retry.sleeps).toEqual([250, 500, 1000]);
      hits.length = 0;
      await expect(client.loginWithPassword('admin', 'whatever', false)).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
      expect(hits).toEqual(['POST']);
    } finally {
      unavailable.closeAllConnections();
      await new Promise((resolve) => unavailable.close(resolve));
      await cleanUp();
    }
  });

  it('keeps the refresh token when the server fails a refresh for its own reasons (rate limit, full disk, crash), and resumes once it answers', async () => {
    // The refresh route answers these in turn, then accepts the token.
    const failures = [
      [429, 'E_RATE_LIMITED'],
      [507, 'E_STORAGE_FULL'],
      [500, 'E_INTERNAL'],
    ] as const;
    let refreshes = 0;
    const user = { id: 1, username: 'admin', role: 'admin' };
    const flaky = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/api/v1/auth/refresh') {
        const failure = failures[refreshes++];
        if (failure) response.writeHead(failure[0]).end(JSON.stringify({ error: { code: failure[1], message: 'Not now.' } }));
        else response.writeHead(200).end(JSON.stringify({ accessToken: 'access-1', refreshToken: 'rotated-1', expiresIn: 900, user }));
      } else response.writeHead(200).end(JSON.stringify(user));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const { port } = flaky.address() as AddressInfo;
    const { store, cleanUp } = testCredentialStore();
    try {
      await store.set('busy-server', 'refreshToken', 'still-valid');
      const client = new ServerSession({ profileId: 'busy-server', http: createServerAxios(`http://127.0.0.1:${port}`, {}), credentials: store, retry: recordedRetry() });
      await expect(client.resume('admin')).resolves.toMatchObject({ state: 'unreachable' });
      expect(await store.get('busy-server', 'refreshToken')).toBe('still-valid');
      await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: 'E_STORAGE_FULL' });
      await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).rejects.toMatchObject({ code: 'E_INTERNAL' });
      expect(await store.get('busy-server', 'refreshToken')).toBe('still-valid');
      await expect(client.request({ method: 'GET', path: '/api/v1/auth/me' })).resolves.toMatchObject({ username: 'admin' });
      expect(client.status()).toMatchObject({ state: 'signed-in', method: 'password' });
      expect(await store.get('busy-server', 'refreshToken')).toBe('rotated-1');
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
      await cleanUp();
    }
  });

  it('reports E_NETWORK when nobody listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const { store, cleanUp } = testCredentialStore();
    const refused = new ServerSession({ profileId: 'gone', http: createServerAxios(`http://127.0.0.1:${port}`, {}), credentials: store, retry: recordedRetry() });
    await expect(refused.loginWithPassword('admin', 'whatever', false)).rejects.toMatchObject({ code: 'E_NETWORK', details: { cause: 'ECONNREFUSED' } });
    await store.set('gone', 'refreshToken', 'kept-for-later');
    await expect(refused.resume('admin')).resolves.toMatchObject({ state: 'unreachable' });
    expect(await store.get('gone', 'refreshToken')).toBe('kept-for-later');
    await cleanUp();
  });
});
