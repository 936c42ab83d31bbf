import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { auditEntries, whileRefused } from '../audit/testing/refuse-audit.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/**
 * A chat confirmation is spent, its command done and its `chat.command` entry written in one
 * transaction (the style of `audit/atomic.test.ts`: the entry's INSERT is made to fail). They
 * used to commit one after another: a failed entry (or a crash) left the token spent and the
 * alert acknowledged with no entry saying it was done from chat, and no way to retry.
 */
describe.each(testDatabases())('a chat confirmation and its audit entry commit together ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  const events: StreamEvent[] = [];

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    server.app.ctx.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  const chat = (text: string, confirm?: string) => server.injectAs('operator', { method: 'POST', url: '/api/v1/chat', payload: { text, utcOffsetMinutes: 0, ...(confirm ? { confirm } : {}) } });

  it('a confirmed acknowledgement whose entry cannot be stored is neither spent nor done, and the retry does it once', async () => {
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'ChatAtomic', host: 'c-1' } }]))[0]!.alert;
    const question = (await chat(`ack ${alert.id} on it`)).json() as ChatCard;
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'alert.ack' });
    const token = (question as { token: string }).token;
    events.length = 0;
    const refused = await whileRefused(server, 'chat.command', () => chat(`ack ${alert.id} on it`, token));
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    // Before: acknowledged, the token spent, and no entry saying it came from chat.
    expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json()).toMatchObject({ state: 'firing', acknowledgedBy: null });
    expect(await auditEntries(server, 'alert.acknowledge')).toHaveLength(0);
    // Nothing announced of a change that did not commit.
    expect(events.filter((e) => e.type === 'alert')).toHaveLength(0);
    const done = await chat(`ack ${alert.id} on it`, token);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ kind: 'text', intent: 'alert.ack' });
    expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json()).toMatchObject({ state: 'acknowledged' });
    expect(await auditEntries(server, 'alert.acknowledge')).toHaveLength(1);
    expect((await auditEntries(server, 'chat.command')).filter((e) => (e.details as { stage?: string }).stage === 'confirmed')).toHaveLength(1);
  });
});
