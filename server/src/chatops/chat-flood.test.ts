import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/permissions.ts';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { slackSignature } from './slack/signature.ts';
import { CONFIRM_ACTION } from './slack/blocks.ts';
import { chatopsSettingsFromEnv } from './settings.ts';

const SECRET = 'test-signing-secret-0123456789';
const PER_MINUTE = 5;
const KEEP = 8;

/**
 * Every chat message (any role, console or Slack) was a chat-history row and an audit
 * entry, with no per-user limit and no retention: any signed-in user could grow the
 * database without bound. Messages are limited per principal now (429 E_RATE_LIMITED with
 * Retry-After, a mapped Slack user counting as the user), a pending confirmation can still
 * be answered at the limit, and each principal's history keeps its newest rows only.
 */
describe('chat messages flooding the database', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET, messagesPerMinute: PER_MINUTE, historyPerUser: KEEP } });
    await server.tokenFor('operator');
    const mapped = await server.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-operator' } });
    expect(mapped.statusCode, mapped.body).toBe(201);
  });
  afterAll(() => server.close());

  const send = (role: Role, text: string, confirm?: string) => server.injectAs(role, { method: 'POST', url: '/api/v1/chat', payload: { text, ...(confirm ? { confirm } : {}) } });
  const history = async (role: Role) => ((await server.injectAs(role, { method: 'GET', url: '/api/v1/chat/history' })).json() as { items: unknown[] }).items;
  const audited = async (actor: string) =>
    ((await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=chat.command&limit=1000' })).json() as { entries: Array<{ actor: string }> }).entries.filter((e) => e.actor === actor).length;

  let sequence = 0;
  const signed = (url: string, body: string) => {
    const timestamp = String(Math.floor(clock / 1000));
    return server.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) } });
  };
  const slackCommand = (text: string) => signed('/api/v1/integrations/slack/command', new URLSearchParams({ team_id: 'T1', user_id: 'U1', user_name: 'u1', command: '/ops', text, trigger_id: String(++sequence) }).toString());
  const slackButton = (token: string) =>
    signed('/api/v1/integrations/slack/actions', new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U1', username: 'u1' }, team: { id: 'T1' }, actions: [{ action_id: CONFIRM_ACTION, value: token }], n: ++sequence }) }).toString());

  it('refuses a viewer beyond the limit with 429 and Retry-After, writing nothing, and admits again in the next minute', async () => {
    for (let n = 0; n < PER_MINUTE; n++) expect((await send('viewer', 'help')).statusCode).toBe(200);
    clock += 10_000;
    const refused = await send('viewer', 'help');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('50');
    expect(refused.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED', details: { retryAfterSeconds: 50 } } });
    for (let n = 0; n < 20; n++) expect((await send('viewer', 'help')).statusCode).toBe(429);
    expect(await history('viewer')).toHaveLength(PER_MINUTE);
    expect(await audited('test-viewer')).toBe(PER_MINUTE);
    // Another user has a budget of their own.
    expect((await send('admin', 'help')).statusCode).toBe(200);

    clock += 50_000;
    expect((await send('viewer', 'help')).statusCode).toBe(200);
  });

  it('keeps only the newest history rows of each user', async () => {
    for (let minute = 0; minute < 3; minute++) {
      clock += 60_000;
      for (let n = 0; n < PER_MINUTE; n++) expect((await send('viewer', `help ${minute} ${n}`)).statusCode).toBe(200);
    }
    const items = (await history('viewer')) as Array<{ text: string }>;
    expect(items).toHaveLength(KEEP);
    expect(items[0]!.text).toBe(`help 2 ${PER_MINUTE - 1}`);
  });

  it('counts the Slack user as the mapped user, and a pending confirmation is answered at the limit, on the console and in Slack', async () => {
    clock += 60_000;
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Flood', host: 'web-1' } }]))[0]!.alert;
    // A question and a message on the console, the same in Slack, one more on the console: the operator's whole budget.
    const first = (await send('operator', `ack ${alert.id}`)).json() as ChatCard;
    expect(first).toMatchObject({ kind: 'confirmation' });
    expect((await send('operator', 'help')).statusCode).toBe(200);
    const inSlack = await slackCommand(`ack ${alert.id} from slack`);
    expect(inSlack.statusCode).toBe(200);
    const slackToken = JSON.stringify(inSlack.json()).match(/"value":"([^"]+)"/)?.[1];
    expect(slackToken).toBeDefined();
    expect((await slackCommand('help')).statusCode).toBe(200);
    expect((await send('operator', 'help')).statusCode).toBe(200);

    // The limit: the console answers 429, Slack an ephemeral answer saying so.
    expect((await send('operator', 'help')).statusCode).toBe(429);
    const refusedInSlack = await slackCommand('help');
    expect(refusedInSlack.statusCode).toBe(200);
    expect(refusedInSlack.json()).toMatchObject({ response_type: 'ephemeral', text: 'Too many messages' });
    // A token that is not a pending confirmation of theirs is a message like any other.
    expect((await send('operator', `ack ${alert.id}`, 'A'.repeat(32))).statusCode).toBe(429);

    // Their own pending confirmations still go through.
    const done = await send('operator', `ack ${alert.id}`, (first as { token: string }).token);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ kind: 'text', intent: 'alert.ack' });
    const clicked = await slackButton(slackToken!);
    expect(clicked.statusCode).toBe(200);
    expect(JSON.stringify(clicked.json())).toContain('acknowledged');
    // Spent, a token counts again.
    expect((await send('operator', `ack ${alert.id}`, (first as { token: string }).token)).statusCode).toBe(429);
  });

  it('reads the limit from SMARTCLOUDOPS_CHAT_RATE_LIMIT', () => {
    expect(chatopsSettingsFromEnv({ SMARTCLOUDOPS_CHAT_RATE_LIMIT: '120' })).toEqual({ messagesPerMinute: 120 });
    expect(() => chatopsSettingsFromEnv({ SMARTCLOUDOPS_CHAT_RATE_LIMIT: '0' })).toThrow(/SMARTCLOUDOPS_CHAT_RATE_LIMIT/);
  });
});
