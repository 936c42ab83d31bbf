import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { slackSignature } from './signature.ts';

const SECRET = 'test-signing-secret-0123456789';

/**
 * The Slack endpoints against a real server. Slack itself cannot run here, so the tests
 * send what Slack sends: form-encoded bodies signed with the signing secret.
 */
describe('Slack slash command and buttons', () => {
  let server: TestServer;
  const clock = Date.parse('2026-03-10T12:00:00Z');
  const seconds = () => String(Math.floor(clock / 1000));

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET, slackBotUserId: 'U0BOT' } });
    await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_load1', labels: { host: 'web-1' }, samples: [[clock - 60_000, 1.5], [clock - 30_000, 2]] }] } });
    await server.tokenFor('operator');
  });
  afterAll(() => server.close());

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const signed = (url: string, body: string, timestamp = seconds(), secret = SECRET) =>
    post(url, body, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(secret, timestamp, body) });
  let sequence = 0;
  /** Each command differs (trigger_id), as Slack's do, so no two carry the same signature. */
  const command = (user: string, text: string) => signed('/api/v1/integrations/slack/command', form({ team_id: 'T1', user_id: user, user_name: user.toLowerCase(), command: '/ops', text, trigger_id: String(++sequence) }));

  it('refuses forged, stale and replayed requests', async () => {
    const body = form({ team_id: 'T1', user_id: 'U0', text: 'help', trigger_id: 'x1' });
    const forged = await signed('/api/v1/integrations/slack/command', body, seconds(), 'not-the-secret-at-all-000');
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: 'E_TOKEN_INVALID' } });
    const unsigned = await post('/api/v1/integrations/slack/command', body);
    expect(unsigned.statusCode).toBe(401);
    const stale = await signed('/api/v1/integrations/slack/command', body, String(Math.floor(clock / 1000) - 301));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toContain('too old');
    const future = await signed('/api/v1/integrations/slack/command', body, String(Math.floor(clock / 1000) + 301));
    expect(future.statusCode).toBe(401);
    expect(future.json().error.message).toContain('in the future: more than 300 s from the server');
    // A body changed after signing no longer matches.
    const timestamp = seconds();
    const tampered = await post('/api/v1/integrations/slack/command', body.replace('help', 'ack 1'), { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) });
    expect(tampered.statusCode).toBe(401);

    const first = await signed('/api/v1/integrations/slack/command', body, timestamp);
    expect(first.statusCode).toBe(200);
    const replay = await signed('/api/v1/integrations/slack/command', body, timestamp);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toContain('already received');

    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=slack.request.refused' })).json() as { entries: { details: { reason: string } }[] };
    expect(audit.entries.map((e) => e.details.reason).sort()).toEqual(['mismatch', 'mismatch', 'missing', 'replayed', 'stale', 'stale']);
  });

  it('refuses a replay after a restart (the signatures received are kept in the database, not in the process)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-slack-replay-'));
    const config = { dataDir, now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET } };
    const body = form({ team_id: 'T1', user_id: 'U0', text: 'help', trigger_id: 'restart-1' });
    const timestamp = seconds();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) };
    const before = await startTestServer(config);
    expect((await before.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: body, headers })).statusCode).toBe(200);
    await before.app.close();
    const after = await startTestServer(config);
    try {
      const replay = await after.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: body, headers });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.message).toContain('already received');
    } finally {
      await after.close();
    }
  });

  it('answers an unmapped user nothing but how to get linked, or read-only answers where configured', async () => {
    const denied = await command('U404', 'load on web-1');
    expect(denied.statusCode).toBe(200);
    expect(JSON.stringify(denied.json())).toContain('not linked');

    server.app.chatops.settings.unmapped = 'read-only';
    try {
      const chart = (await command('U404', 'load on web-1')).json() as { text: string; blocks: { text?: { text: string } }[] };
      expect(chart.text).toBe('node_load1 on web-1');
      expect(chart.blocks[1]!.text!.text).toContain('last 2, min 1.50, max 2');
      const write = JSON.stringify((await command('U404', 'silence web-1 for 1h')).json());
      expect(write).toContain('Not allowed');
    } finally {
      server.app.chatops.settings.unmapped = 'deny';
    }
  });

  it('lets only an admin map chat users', async () => {
    const viewer = await server.injectAs('viewer', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-operator' } });
    expect(viewer.statusCode).toBe(403);
    const unknownUser = await server.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'nobody' } });
    expect(unknownUser.statusCode).toBe(404);
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-operator' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-operator', createdBy: 'admin' });
    const again = await server.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'admin' } });
    expect(again.statusCode).toBe(409);
  });

  it('confirms with the buttons and the same token: single use, bound to the chat user', async () => {
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HighLoad', host: 'web-1' } }]))[0]!.alert;
    // Slack sends the text escaped: the comment is stored as typed.
    const answer = (await command('U1', `ack ${alert.id} rolling back &amp; watching <#C1|ops>`)).json() as { blocks: { type: string; elements?: { action_id: string; value: string }[] }[] };
    const actions = answer.blocks.find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual(['chatops_confirm', 'chatops_cancel']);
    const token = actions.elements![0]!.value;
    const press = (user: string, actionId: string) =>
      signed('/api/v1/integrations/slack/actions', form({ payload: JSON.stringify({ type: 'block_actions', user: { id: user, username: user }, team: { id: 'T1' }, actions: [{ action_id: actionId, value: token }], n: ++sequence }) }));

    // Someone else pressing the button is refused (unmapped: not linked at all).
    expect(JSON.stringify((await press('U2', 'chatops_confirm')).json())).toContain('not linked');
    const done = (await press('U1', 'chatops_confirm')).json() as { replace_original: boolean; text: string };
    expect(done).toMatchObject({ replace_original: true, text: `Alert ${alert.id} acknowledged` });
    const stored = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert;
    expect(stored).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'test-operator', ackComment: 'rolling back & watching #ops' });
    expect(JSON.stringify((await press('U1', 'chatops_confirm')).json())).toContain('already been used');
  });

  it("acts on a line led by the bot's own mention, and not on one led by someone else's (it is asked of them)", async () => {
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Mentioned', host: 'web-1' } }]))[0]!.alert;
    const toBob = JSON.stringify((await command('U1', `<@U024BE7LH|bob> ack ${alert.id}`)).json());
    expect(toBob).toContain(`Read as addressed to @bob, not to chat, so nothing is done; to acknowledge alert ${alert.id} yourself, say it to chat without the name: \\"ack ${alert.id}\\"`);
    expect(toBob).not.toContain('chatops_confirm');
    expect(JSON.stringify((await command('U1', `<@U0BOT> ack ${alert.id}`)).json())).toContain('chatops_confirm');
    expect(JSON.stringify((await command('U1', `<@U0BOT|smartcloudops> ack ${alert.id}`)).json())).toContain('chatops_confirm');
  });

  it('cancels with the Cancel button, after which the token runs nothing', async () => {
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Cancelled', host: 'web-1' } }]))[0]!.alert;
    const answer = (await command('U1', `ack ${alert.id}`)).json() as { blocks: { type: string; elements?: { value: string }[] }[] };
    const token = answer.blocks.find((b) => b.type === 'actions')!.elements![0]!.value;
    const press = (actionId: string) =>
      signed('/api/v1/integrations/slack/actions', form({ payload: JSON.stringify({ user: { id: 'U1' }, team: { id: 'T1' }, actions: [{ action_id: actionId, value: token }], n: ++sequence }) }));
    expect(((await press('chatops_cancel')).json() as { text: string }).text).toBe('Cancelled');
    expect(JSON.stringify((await press('chatops_confirm')).json())).toContain('already been used');
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).state).toBe('firing');
  });

  it('answers with what alert sources wrote as text: no @channel or disguised link in a reply', async () => {
    await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'Boom<!channel>', host: '<https://evil.example|web-1>' } }]);
    const reply = JSON.stringify((await command('U1', 'list alerts')).json());
    expect(reply).toContain('Boom&lt;!channel&gt;');
    expect(reply).not.toMatch(/<[!@#h]/);
  });

  it('answers a signed interaction of the wrong shape with 400, not 500 (a null payload, an object where Slack sends a string)', async () => {
    const payloads: unknown[] = [
      null,
      5,
      [],
      { user: { id: {} }, team: { id: 'T1' }, actions: [{ action_id: 'chatops_confirm', value: 'x' }] },
      { user: { id: ['U1'] }, actions: [{ action_id: 'chatops_confirm', value: 'x' }] },
      { user: { id: 'U1' }, team: { id: 'T1' }, actions: [{ action_id: 'chatops_confirm', value: { token: 'x' } }] },
      { user: { id: 'U1' }, team: { id: 'T1' }, actions: [null] },
      { user: { id: 'U1' }, team: { id: 'T1' }, actions: { 0: { action_id: 'chatops_confirm', value: 'x' } } },
    ];
    for (const payload of payloads) {
      const response = await signed('/api/v1/integrations/slack/actions', form({ payload: JSON.stringify(payload), n: String(++sequence) }));
      expect(response.statusCode, `${JSON.stringify(payload)} -> ${response.body}`).toBe(400);
      expect(response.json().error.code).toBe('E_VALIDATION');
    }
    // A team id that is not a string is read as none: the user is still found, not a 500.
    const odd = await signed('/api/v1/integrations/slack/actions', form({ payload: JSON.stringify({ user: { id: 'U1', username: {} }, team: { id: 7 }, actions: [{ action_id: 'chatops_cancel', value: 'unknown' }] }), n: String(++sequence) }));
    expect(odd.statusCode, odd.body).toBeLessThan(500);
  });

  it('answers 404 while no signing secret is configured, and keeps forms off other routes', async () => {
    const bare = await startTestServer();
    try {
      const response = await bare.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: 'text=help', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'E_NOT_FOUND' } });
      const chat = await bare.injectAs('viewer', { method: 'POST', url: '/api/v1/chat', payload: 'text=help', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(chat.statusCode).toBe(415);
    } finally {
      await bare.close();
    }
  });
});
