import { describe, expect, it } from 'vitest';
import type { Command } from '../../../shared/chatops/intents.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { ChatStore } from './store.ts';

const T0 = Date.UTC(2026, 0, 1);
const command = { intent: 'alert.ack', slots: { alertId: 7, comment: 'on it' } } as unknown as Command;

describe.each(testDatabases())('ChatOps store on $name', (database) => {
  const databases = useTestDatabase(database);

  /** Two servers' stores on one database (on SQLite, one file), with one user to map chat users to. */
  async function twoStores(): Promise<{ a: ChatStore; b: ChatStore; userId: number }> {
    const { sql: [a, b] } = await databases.twoLayers('sco-chatstore-');
    const { id } = await a.db
      .insertInto('users')
      .values({ username: 'alice', password_hash: 'x', role: 'operator', disabled: 0, must_change_password: 0, created_at: T0, updated_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { a: new ChatStore(a), b: new ChatStore(b), userId: id };
  }

  it.skipIf(database.skip)('a confirmation made through one server is read and spent once through either, even when both spend it at once', async () => {
    const { a, b } = await twoStores();
    const token = await a.createConfirmation({ userKey: 'user:1', text: 'ack 7 on it', command, channel: 'console', createdAt: T0, expiresAt: T0 + 120_000 });
    expect(await b.confirmation(token)).toEqual({ userKey: 'user:1', text: 'ack 7 on it', command, channel: 'console', createdAt: T0, expiresAt: T0 + 120_000, usedAt: null });
    expect(await b.confirmation(`${token}x`)).toBeUndefined();
    const spent = await Promise.all([a.spend(token, T0 + 1), b.spend(token, T0 + 2)]);
    expect(spent.filter(Boolean)).toHaveLength(1);
    expect((await a.confirmation(token))?.usedAt).toBe(spent[0] ? T0 + 1 : T0 + 2);
    // A day after expiry the next confirmation removes it.
    await b.createConfirmation({ userKey: 'user:1', text: 'ack 8', command, channel: 'console', createdAt: T0 + 120_000 + 86_400_001, expiresAt: T0 + 2 * 86_400_000 });
    expect(await a.confirmation(token)).toBeUndefined();
  });

  it.skipIf(database.skip)('keeps each user its own history, newest first, with long summaries cut', async () => {
    const { a, b } = await twoStores();
    for (let i = 0; i < 5; i++) {
      await (i % 2 === 0 ? a : b).recordHistory({ ts: T0 + i, userKey: i < 4 ? 'user:1' : 'user:2', actor: 'alice', channel: 'console', text: `q${i}`, intent: 'help', kind: 'text', summary: 's'.repeat(600) });
    }
    const history = await b.history('user:1', 3);
    expect(history.map((entry) => entry.text)).toEqual(['q3', 'q2', 'q1']);
    expect(history[0]).toMatchObject({ ts: T0 + 3, channel: 'console', intent: 'help', kind: 'text' });
    expect(history[0]!.summary).toHaveLength(500);
    expect((await a.history('user:2')).map((entry) => entry.text)).toEqual(['q4']);
  });

  it.skipIf(database.skip)('maps a chat user once, known through both servers, with the user name joined', async () => {
    const { a, b, userId } = await twoStores();
    const created = await a.createMapping({ platform: 'slack', teamId: 'T1', chatUserId: 'U1', userId, createdBy: 'admin', createdAt: T0 });
    expect(created).toEqual({ id: expect.any(Number), platform: 'slack', teamId: 'T1', chatUserId: 'U1', userId, username: 'alice', createdBy: 'admin', createdAt: T0 });
    expect(await b.createMapping({ platform: 'slack', teamId: 'T1', chatUserId: 'U1', userId, createdBy: 'admin', createdAt: T0 + 1 })).toBeUndefined();
    expect(await b.mapping('slack', 'T1', 'U1')).toEqual(created);
    expect(await b.mapping('mattermost', 'T1', 'U1')).toBeUndefined();
    expect(await b.mappings()).toEqual([created]);
    expect(await b.removeMapping(created!.id)).toBe(true);
    expect(await a.removeMapping(created!.id)).toBe(false);
    expect(await a.mappings()).toEqual([]);
  });
});
