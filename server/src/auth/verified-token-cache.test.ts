import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../db/storage.ts';
import { UserRepository } from '../users/repository.ts';
import { UserStore } from '../users/store.ts';
import { AccessTokens } from './access-tokens.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { AuthService } from './service.ts';
import { SigningKeyStore } from './signing-keys.ts';

/**
 * The verified-token cache saves the signature check of a token seen before, and nothing
 * else: expiry, a retired signing key and the session's revocation still apply at once.
 */
describe('verified-token cache', () => {
  const dirs: string[] = [];
  const opened: Storage[] = [];
  afterEach(async () => {
    for (const storage of opened.splice(0)) {
      await storage.sql.close();
      storage.sqlite.close();
    }
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(cacheEntries?: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-token-cache-'));
    dirs.push(dir);
    const storage = await openStorage({}, dir);
    opened.push(storage);
    let clock = Date.UTC(2026, 0, 1);
    const now = () => clock;
    const keys = new SigningKeyStore(storage.sql, dir, now);
    const tokens = new AccessTokens(keys, 900, now, cacheEntries);
    const issue = (userId = 1, sessionId = 'session-1') => tokens.issue({ userId, username: `user${userId}`, role: 'viewer', mustChangePassword: false, sessionId });
    return { dir, storage, keys, tokens, issue, now, advance: (ms: number) => (clock += ms) };
  }

  it('remembers a verified token and answers the same claims again', async () => {
    const { tokens, issue } = await setUp();
    const token = await issue();
    const first = await tokens.verify(token);
    expect(tokens.verifiedCacheSize).toBe(1);
    expect(await tokens.verify(token)).toEqual(first);
    expect(tokens.verifiedCacheSize).toBe(1);
  });

  it('honours expiry: a cached token is refused from its exp on, and forgotten', async () => {
    const { tokens, issue, advance } = await setUp();
    const token = await issue();
    await tokens.verify(token);
    advance(899_000);
    expect((await tokens.verify(token)).userId).toBe(1);
    advance(1_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'E_AUTH_EXPIRED' });
    expect(tokens.verifiedCacheSize).toBe(0);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'E_AUTH_EXPIRED' });
  });

  it('is keyed by the whole token: a token differing in one byte is verified afresh and refused', async () => {
    const { tokens, issue } = await setUp();
    const token = await issue();
    await tokens.verify(token);
    // A character inside the signature (the last one also carries padding bits that decode alike).
    const at = token.length - 10;
    const other = token[at] === 'A' ? 'B' : 'A';
    await expect(tokens.verify(`${token.slice(0, at)}${other}${token.slice(at + 1)}`)).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
    const [header, , signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ sub: '2', role: 'admin', name: 'user2', sid: 'session-1', iss: 'smartcloudops', exp: 4e9 })).toString('base64url');
    await expect(tokens.verify(`${header}.${otherPayload}.${signature}`)).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
  });

  it('refuses a cached token once its signing key is retired', async () => {
    const { tokens, keys, issue } = await setUp();
    const token = await issue();
    await tokens.verify(token);
    await keys.rotate(1);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
    expect(tokens.verifiedCacheSize).toBe(0);
  });

  it('is bounded: beyond its size the least recently used token is forgotten and verified again when it returns', async () => {
    const { tokens, issue } = await setUp(3);
    const issued = await Promise.all([1, 2, 3, 4, 5].map((userId) => issue(userId, `session-${userId}`)));
    for (const token of issued) await tokens.verify(token);
    expect(tokens.verifiedCacheSize).toBe(3);
    expect((await tokens.verify(issued[0]!)).userId).toBe(1);
    expect(tokens.verifiedCacheSize).toBe(3);
  });

  it('does not outlive the session: a cached token of a revoked session is refused at once', async () => {
    const { storage, tokens, now } = await setUp();
    const users = new UserRepository(storage.sql, new UserStore(storage.sqlite), now);
    const user = await users.create({ username: 'alice', passwordHash: 'unused', role: 'operator', mustChangePassword: false });
    const refreshTokens = new RefreshTokens(storage.sql, undefined, now);
    const auth = new AuthService({ users, accessTokens: tokens, refreshTokens });
    const here = await auth.startSession(user.id);
    const elsewhere = await auth.startSession(user.id);
    expect((await auth.authenticateJwt(here.accessToken)).userId).toBe(user.id);
    expect((await auth.authenticateJwt(elsewhere.accessToken)).userId).toBe(user.id);
    expect(tokens.verifiedCacheSize).toBe(2);

    // Logout of one session: its cached token is refused on the very next request, the other works.
    await auth.logout(here.refreshToken);
    await expect(auth.authenticateJwt(here.accessToken)).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
    expect((await auth.authenticateJwt(elsewhere.accessToken)).userId).toBe(user.id);

    // Every session of the user (password change, disabling).
    await refreshTokens.revokeUser(user.id);
    await expect(auth.authenticateJwt(elsewhere.accessToken)).rejects.toMatchObject({ code: 'E_TOKEN_INVALID' });
  });
});
