import fs from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { inPostgresPass } from '../testing/postgres-pass.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The signing keys as stored, oldest first. */
const storedKeys = (server: TestServer) => server.app.ctx.sql.db.selectFrom('signing_keys').select(['kid', 'secret']).orderBy('created_at').execute();

describe('access token verification', () => {
  let server: TestServer;
  let viewerToken: string;
  const me = (token: string) => server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

  beforeAll(async () => {
    server = await startTestServer();
    viewerToken = await server.tokenFor('viewer');
  });
  afterAll(() => server.close());

  it('accepts a genuine token', async () => {
    expect((await me(viewerToken)).statusCode).toBe(200);
  });

  it('rejects a token signed with another key under the same kid', async () => {
    const { kid } = decodeProtectedHeader(viewerToken);
    const forged = await new SignJWT({ ...claimsOf(viewerToken), role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: kid!, typ: 'JWT' })
      .sign(Buffer.alloc(32, 7));
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('E_TOKEN_INVALID');
  });

  it('rejects alg: none', async () => {
    const { kid } = decodeProtectedHeader(viewerToken);
    const unsigned = `${b64({ alg: 'none', kid, typ: 'JWT' })}.${b64({ ...claimsOf(viewerToken), role: 'admin' })}.`;
    const response = await me(unsigned);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('E_TOKEN_INVALID');
  });

  it('rejects a tampered payload with the original signature', async () => {
    const [header, , signature] = viewerToken.split('.');
    const tampered = `${header}.${b64({ ...claimsOf(viewerToken), role: 'admin' })}.${signature}`;
    const response = await me(tampered);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('E_TOKEN_INVALID');
  });

  it('rejects an unknown kid, garbage and an empty bearer', async () => {
    const { kid } = decodeProtectedHeader(viewerToken);
    const [, payload, signature] = viewerToken.split('.');
    const otherKid = `${b64({ alg: 'HS256', kid: `${kid}x`, typ: 'JWT' })}.${payload}.${signature}`;
    for (const token of [otherKid, 'not-a-jwt', 'a.b.c']) {
      const response = await me(token);
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('E_TOKEN_INVALID');
    }
    const empty = await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer ' } });
    expect(empty.json().error.code).toBe('E_AUTH_REQUIRED');
  });

  it('answers an expired token with E_AUTH_EXPIRED', async () => {
    const key = (await storedKeys(server)).at(-1)!;
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT(claimsOf(viewerToken))
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 60)
      .sign(Buffer.from(key.secret, 'base64url'));
    const response = await me(expired);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('E_AUTH_EXPIRED');
  });

  it('rejects a token of a disabled user at once', async () => {
    const operator = await server.tokenFor('operator');
    const operatorId = Number(claimsOf(operator).sub);
    const disable = await server.injectAs('admin', { method: 'PATCH', url: `/api/v1/users/${operatorId}`, payload: { disabled: true } });
    expect(disable.statusCode).toBe(200);
    expect((await me(operator)).statusCode).toBe(401);
  });
});

// Each test starts one or two servers and signs in (argon2): CPU-bound, and at a load
// average near 30 a restart test passed the 30 s default. A ceiling, not a bound.
describe('signing keys', { timeout: 120_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('keeps the keys in the database, not in a file of the data folder', async () => {
    expect(await storedKeys(server)).toHaveLength(1);
    expect(fs.existsSync(path.join(server.dataDir, 'jwt-keys.json'))).toBe(false);
  });

  // An earlier version's data folder is a SQLite file (PostgreSQL came after the key file went).
  it.skipIf(inPostgresPass())('imports the key file of an earlier version once, so its tokens stay valid, and removes it', async () => {
    const first = await startTestServer();
    const token = await first.tokenFor('viewer');
    const keys = await storedKeys(first);
    await first.app.close();
    // The data folder as an earlier version left it: keys in jwt-keys.json, none in the database.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-test-'));
    fs.copyFileSync(path.join(first.dataDir, 'smartcloudops.db'), path.join(dataDir, 'smartcloudops.db'));
    const file = path.join(dataDir, 'jwt-keys.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, keys: keys.map((key) => ({ ...key, createdAt: 1 })) }), { mode: 0o600 });
    const copy = new Database(path.join(dataDir, 'smartcloudops.db'));
    copy.prepare('DELETE FROM signing_keys').run();
    copy.close();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
    const upgraded = await startTestServer({ dataDir });
    try {
      expect((await upgraded.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      expect((await storedKeys(upgraded)).map((key) => key.kid)).toEqual(keys.map((key) => key.kid));
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await upgraded.close();
    }
  });

  it('rotation signs new tokens with a new kid and keeps old tokens valid', async () => {
    const before = await server.tokenFor('viewer');
    const oldKid = decodeProtectedHeader(before).kid;
    const rotate = await server.injectAs('admin', { method: 'POST', url: '/api/v1/admin/signing-keys/rotate', payload: {} });
    expect(rotate.statusCode).toBe(200);
    expect(rotate.json().kid).not.toBe(oldKid);

    const login = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'test-viewer', password: 'test-viewer-password-1' } });
    const after = login.json().accessToken as string;
    expect(decodeProtectedHeader(after).kid).toBe(rotate.json().kid);
    for (const token of [before, after]) {
      const response = await server.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(200);
    }
    expect(await storedKeys(server)).toHaveLength(2);
    expect(await server.app.ctx.audit.query({ action: 'signing_key.rotate' })).toHaveLength(1);
  });

  it('keeps tokens valid across a restart on the same data folder', async () => {
    const first = await startTestServer();
    const token = await first.tokenFor('operator');
    await first.app.close();
    const restarted = await startTestServer({ dataDir: first.dataDir });
    try {
      const response = await restarted.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });
});
