import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../db/storage.ts';
import { SQLITE_FILE_NAME } from '../db/database-url.ts';
import { UserRepository } from '../users/repository.ts';
import { UserStore } from '../users/store.ts';
import { AccessTokens } from './access-tokens.ts';
import { CredentialMemory, OUTSIDE_CHECK_MS, trackCredentialChanges, UNTRACKED, type CredentialState } from './credential-state.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { AuthService } from './service.ts';
import { SigningKeyStore } from './signing-keys.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * Authentication remembers a checked credential's principal only while nothing that
 * decides it can have changed: every write to users, sessions, API keys or signing keys on
 * the server's connection makes the next request check afresh, and a commit by another
 * connection to the file (not a path of the product) the first after OUTSIDE_CHECK_MS. So a logout, a revocation, a demotion or a disabled user holds
 * from the very next request, as when every request read the database.
 */
describe('credential memory', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const opened: Storage[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const storage of opened.splice(0)) {
      await storage.sql.close();
      storage.sqlite.close();
    }
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function storage() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-credentials-'));
    dirs.push(dir);
    const opening = await openStorage({}, dir);
    opened.push(opening);
    return { dir, storage: opening };
  }

  it('moves the generation on writes to the credential tables and on other connections’ commits, not on other writes', async () => {
    const { dir, storage: { sqlite } } = await storage();
    const state = trackCredentialChanges(sqlite);
    const at = state.generation;
    sqlite.exec('CREATE TABLE other_rows (x INTEGER)');
    sqlite.prepare('INSERT INTO other_rows (x) VALUES (1)').run();
    expect(state.generation).toBe(at);
    sqlite.prepare("UPDATE users SET role = 'viewer' WHERE id = -1").run();
    // A statement that touches no row fires no trigger.
    expect(state.generation).toBe(at);
    sqlite.prepare("INSERT INTO signing_keys (kid, secret, created_at) VALUES ('k', 's', 1)").run();
    const afterInsert = state.generation;
    expect(afterInsert).toBeGreaterThan(at);
    sqlite.prepare("UPDATE signing_keys SET created_at = 2 WHERE kid = 'k'").run();
    const afterRevoke = state.generation;
    expect(afterRevoke).toBeGreaterThan(afterInsert);
    // Another connection (an operator's shell) commits: seen at a later look (at most OUTSIDE_CHECK_MS on).
    const other = new Database(path.join(dir, SQLITE_FILE_NAME));
    try {
      other.prepare("DELETE FROM signing_keys WHERE kid = 'k'").run();
    } finally {
      other.close();
    }
    await expect.poll(() => state.generation, { interval: OUTSIDE_CHECK_MS }).toBeGreaterThan(afterRevoke);
  });

  it('drops everything at a change and keeps nothing read across one', () => {
    const state = { tracking: true, generation: 0 };
    const memory = new CredentialMemory<string>(state, 2);
    memory.remember('a', 'A', state.generation, 100);
    expect(memory.get('a', 50)).toBe('A');
    expect(memory.get('a', 100)).toBeUndefined(); // its validity ended
    memory.remember('a', 'A', state.generation, 100);
    const before = memory.generation;
    state.generation++;
    memory.remember('b', 'B', before, 100); // read while the change happened
    expect(memory.get('b', 0)).toBeUndefined();
    expect(memory.get('a', 0)).toBeUndefined();
    expect(memory.size).toBe(0);
    // Bounded: the oldest goes first.
    for (const key of ['x', 'y', 'z']) memory.remember(key, key, state.generation, 100);
    expect([memory.get('x', 0), memory.get('y', 0), memory.get('z', 0)]).toEqual([undefined, 'y', 'z']);
    // Untracked (PostgreSQL): nothing is ever remembered.
    const untracked = new CredentialMemory<string>(UNTRACKED);
    untracked.remember('a', 'A', UNTRACKED.generation, 100);
    expect(untracked.get('a', 0)).toBeUndefined();
  });

  async function authService(credentials: CredentialState, sqliteStorage: Storage, dir: string) {
    const users = new UserRepository(sqliteStorage.sql, new UserStore(sqliteStorage.sqlite));
    const refreshTokens = new RefreshTokens(sqliteStorage.sql);
    const accessTokens = new AccessTokens(new SigningKeyStore(sqliteStorage.sql, dir));
    const auth = new AuthService({ users, accessTokens, refreshTokens, credentials });
    const user = await users.create({ username: 'u', passwordHash: 'x', role: 'operator', mustChangePassword: false });
    const { accessToken, refreshToken } = await auth.startSession(user.id);
    return { auth, users, refreshTokens, user, accessToken, refreshToken };
  }

  it('answers a known access token without a promise, and checks afresh after a revocation', async () => {
    const { dir, storage: opened } = await storage();
    const { auth, accessToken, refreshToken } = await authService(trackCredentialChanges(opened.sqlite), opened, dir);
    const first = await auth.authenticateJwt(accessToken);
    const again = auth.authenticateJwt(accessToken);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toEqual(first);
    await auth.logout(refreshToken);
    const after = auth.authenticateJwt(accessToken);
    expect(after).toBeInstanceOf(Promise);
    await expect(after).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
  });

  it('on an untracked database (PostgreSQL: other replicas write) every request reads', async () => {
    const { dir, storage: opened } = await storage();
    const { auth, accessToken } = await authService(UNTRACKED, opened, dir);
    await auth.authenticateJwt(accessToken);
    expect(auth.authenticateJwt(accessToken)).toBeInstanceOf(Promise);
  });

  describe('over HTTP', () => {
    async function server() {
      const started = await startTestServer();
      servers.push(started);
      return started;
    }
    const as = (token: string) => ({ authorization: `Bearer ${token}` });

    it('a demotion, a disabled user and an API key revocation hold from the next request', async () => {
      const started = await server();
      const admin = await started.tokenFor('admin');
      const operatorToken = await started.tokenFor('operator');
      const operatorId = ((await started.injectAs('admin', { method: 'GET', url: '/api/v1/users' })).json() as { users: { id: number; username: string }[] }).users.find((u) => u.username === 'test-operator')!.id;
      // Promoted, used (and so remembered), then demoted: the next request has the new role.
      expect((await started.app.inject({ method: 'PATCH', url: `/api/v1/users/${operatorId}`, headers: as(admin), payload: { role: 'admin' } })).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) expect((await started.app.inject({ method: 'GET', url: '/api/v1/users', headers: as(operatorToken) })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'PATCH', url: `/api/v1/users/${operatorId}`, headers: as(admin), payload: { role: 'operator' } })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'GET', url: '/api/v1/users', headers: as(operatorToken) })).statusCode).toBe(403);

      // An API key, used twice, then revoked.
      const created = await started.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: as(admin), payload: { name: 'script', role: 'viewer' } });
      expect(created.statusCode).toBe(201);
      const { key, secret } = created.json() as { key: { id: number }; secret: string };
      for (let i = 0; i < 2; i++) expect((await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(secret) })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: as(admin) })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(secret) })).statusCode).toBe(401);

      // Disabled: every session of the user ends at once.
      expect((await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(operatorToken) })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'PATCH', url: `/api/v1/users/${operatorId}`, headers: as(admin), payload: { disabled: true } })).statusCode).toBe(200);
      expect((await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(operatorToken) })).statusCode).toBe(401);
    });

    it('a change written to the SQLite file by another process holds within OUTSIDE_CHECK_MS', async () => {
      const started = await server();
      if (started.app.ctx.sql.dialect !== 'sqlite') return; // the PostgreSQL pass: nothing is remembered there
      const token = await started.tokenFor('viewer');
      for (let i = 0; i < 2; i++) expect((await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(token) })).statusCode).toBe(200);
      const other = new Database(path.join(started.dataDir, SQLITE_FILE_NAME));
      try {
        other.prepare("UPDATE users SET disabled = 1 WHERE username = 'test-viewer'").run();
      } finally {
        other.close();
      }
      await expect.poll(async () => (await started.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(token) })).statusCode, { interval: OUTSIDE_CHECK_MS }).toBe(401);
    });
  });
});
