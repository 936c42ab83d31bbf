import argon2 from 'argon2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.ts';

// Every test signs in several times: each attempt is an argon2 verification, CPU- and
// memory-bound, and on a loaded 2-core machine these came close to the 30 s default.
// The lockout clock is the test's own (`now`), so only this ceiling depends on load.
const CEILING = { timeout: 120_000 };

describe('login lockout', CEILING, () => {
  let server: TestServer;
  let clock = Date.UTC(2026, 0, 1);
  const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

  async function start() {
    clock = Date.UTC(2026, 0, 1);
    server = await startTestServer({ now: () => clock, config: { lockoutFailuresPerUser: 3, lockoutFailuresPerIp: 5, lockoutSeconds: 60 } });
  }
  afterEach(() => server.close());

  it('locks a username after repeated failures, even against the right password, then lifts', async () => {
    await start();
    for (let i = 0; i < 3; i++) expect((await login('admin', 'wrong-password')).statusCode).toBe(401);
    const locked = await login('admin', TEST_ADMIN_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('E_LOCKED_OUT');
    expect(Number(locked.headers['retry-after'])).toBe(60);

    const lockouts = await server.app.ctx.audit.query({ action: 'auth.lockout' });
    expect(lockouts.map((e) => e.target)).toEqual(['user:admin']);
    expect(await server.app.ctx.audit.query({ action: 'auth.login', outcome: 'denied' })).toHaveLength(1);

    clock += 61_000;
    expect((await login('admin', TEST_ADMIN_PASSWORD)).statusCode).toBe(200);
  });

  it('treats an unknown username exactly like a known one', async () => {
    await start();
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) known.push((await login('admin', 'wrong-password', '10.0.0.1')).statusCode);
    for (let i = 0; i < 4; i++) unknown.push((await login('ghost', 'wrong-password', '10.0.0.2')).statusCode);
    expect(known).toEqual([401, 401, 401, 429]);
    expect(unknown).toEqual(known);
  });

  it('locks a client address that guesses across many usernames', async () => {
    await start();
    for (let i = 0; i < 5; i++) expect((await login(`user${i}`, 'wrong-password', '10.0.0.9')).statusCode).toBe(401);
    const fromThatAddress = await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.9');
    expect(fromThatAddress.statusCode).toBe(429);
    expect(fromThatAddress.json().error.code).toBe('E_LOCKED_OUT');
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.10')).statusCode).toBe(200);
    expect((await server.app.ctx.audit.query({ action: 'auth.lockout' })).map((e) => e.target)).toContain('ip:10.0.0.9');
  });

  it('keeps a user in from an address they signed in from while strangers lock the username', async () => {
    await start();
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(200);
    // Someone elsewhere guesses until the username locks, for every address the user never used.
    for (let i = 0; i < 3; i++) expect((await login('admin', 'wrong-password', '10.0.0.66')).statusCode).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.67')).statusCode).toBe(429);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(200);
    // That sign-in gave the strangers no fresh guesses.
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.67')).statusCode).toBe(429);

    // A known address has a count of its own: guessing from it is bounded too.
    for (let i = 0; i < 3; i++) expect((await login('admin', 'wrong-password', '10.0.0.50')).statusCode).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(429);
    expect((await server.app.ctx.audit.query({ action: 'auth.lockout' })).map((e) => e.target).sort()).toEqual(['user:admin', 'user:admin@10.0.0.50']);

    // An address is known for 30 days after its last sign-in.
    clock += 61_000;
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(200);
    clock += 31 * 24 * 3600_000;
    for (let i = 0; i < 3; i++) expect((await login('admin', 'wrong-password', '10.0.0.66')).statusCode).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(429);
  });

  it('does not let a made-up username named `<user>@<address>` lock the user at that known address', async () => {
    await start();
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(200);
    // Usernames typed at login are counted whether or not they exist, and may hold an `@`.
    for (let i = 0; i < 3; i++) expect((await login('admin@10.0.0.50', 'wrong-password', '10.0.0.66')).statusCode).toBe(401);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.50')).statusCode).toBe(200);
    expect((await server.app.ctx.audit.query({ action: 'auth.lockout' })).map((e) => e.target)).toEqual(['user:admin@10.0.0.50']);
  });

  it('shows admins who is locked out and lets a user back in before the lock lifts', async () => {
    await start();
    await server.tokenFor('admin');
    await server.tokenFor('viewer'); // test-viewer signs in from 127.0.0.1: a known address.
    for (let i = 0; i < 3; i++) await login('test-viewer', 'wrong-password', '10.0.0.66');
    for (let i = 0; i < 3; i++) await login('test-viewer', 'wrong-password');
    for (let i = 0; i < 3; i++) await login('ghost', 'wrong-password', '10.0.0.68');
    expect((await login('test-viewer', 'test-viewer-password-1', '10.0.0.67')).statusCode).toBe(429);
    const lockouts = () => server.injectAs('admin', { method: 'GET', url: '/api/v1/users/lockouts' });

    const listed = (await lockouts()).json().lockouts as { userId: number; username: string; address: string | null; failures: number; lockedUntil: number }[];
    // The made-up name's lock is nobody's to lift; the viewer's two are.
    expect(listed.map(({ username, address, failures, lockedUntil }) => ({ username, address, failures, lockedUntil }))).toEqual([
      { username: 'test-viewer', address: null, failures: 3, lockedUntil: clock + 60_000 },
      { username: 'test-viewer', address: '127.0.0.1', failures: 3, lockedUntil: clock + 60_000 },
    ]);
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/users/lockouts' })).statusCode).toBe(403);

    const userId = listed[0]!.userId;
    const clear = () => server.injectAs('admin', { method: 'DELETE', url: `/api/v1/users/${userId}/lockout` });
    expect((await clear()).json()).toEqual({ userId, cleared: 2 });
    expect((await login('test-viewer', 'test-viewer-password-1', '10.0.0.67')).statusCode).toBe(200);
    expect((await lockouts()).json()).toEqual({ lockouts: [] });
    expect((await clear()).json()).toEqual({ userId, cleared: 0 });
    expect((await server.injectAs('admin', { method: 'DELETE', url: '/api/v1/users/9999/lockout' })).statusCode).toBe(404);
    // Strangers guessing at the made-up name are still locked out.
    expect((await login('ghost', 'wrong-password', '10.0.0.69')).statusCode).toBe(429);
    const entries = await server.app.ctx.audit.query({ action: 'user.unlock' });
    expect(entries.map((e) => [e.actor, e.target, e.details])).toEqual([
      ['admin', `user:${userId}`, { username: 'test-viewer', cleared: 0 }],
      ['admin', `user:${userId}`, { username: 'test-viewer', cleared: 2 }],
    ]);
  });

  it('spends one argon2 verification whether or not the user exists', async () => {
    await start();
    await login('admin', 'warm-up-wrong');
    const verify = vi.spyOn(argon2, 'verify');
    try {
      await login('admin', 'wrong-password');
      const forKnown = verify.mock.calls.length;
      await login('nobody-here', 'wrong-password');
      expect(forKnown).toBe(1);
      expect(verify.mock.calls.length - forKnown).toBe(1);
    } finally {
      verify.mockRestore();
    }
  });
});

describe('auth rate limit', CEILING, () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('answers 429 E_RATE_LIMITED in the common error shape with Retry-After', async () => {
    server = await startTestServer({ config: { authRateLimitPerMinute: 3 } });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await server.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: `scr_unknown${i}` } });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(last!.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
