import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCard, ChatHistory, ChatUserMapping } from '../../../shared/api/chatops.ts';
import type { Silence } from '../../../shared/api/alerts.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { UnavailableRunbookGateway } from './runbook-gateway.ts';
import { slackSignature } from './slack/signature.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres ChatOps replica tests skipped] ${unavailable}`);

/**
 * Two server replicas, each with its own data folder, on one PostgreSQL database: ChatOps
 * state (confirmations, history, chat user mappings) is the cluster's, not a replica's.
 */
describe.skipIf(unavailable !== undefined)('ChatOps on two replicas of one PostgreSQL', () => {
  let postgres: TestPostgres;
  const servers: TestServer[] = [];
  const clock = Date.parse('2026-03-10T12:00:00Z');
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  let databases = 0;
  async function replicas() {
    databases += 1;
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase(`chatops_replicas_${databases}`) };
    const config = { env, now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { runbooks: new UnavailableRunbookGateway() } };
    const [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
    servers.push(a, b);
    // Metrics are still in each replica's SQLite file: both learn host db-2, so the line parses alike on both.
    for (const server of [a, b]) {
      const ingest = await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'node_filesystem_utilisation_ratio', labels: { host: 'db-2', mount: '/' }, samples: [[clock - 60_000, 0.93]] }] } });
      expect(ingest.statusCode, ingest.body).toBe(200);
    }
    return { a, b };
  }

  const chat = async (server: TestServer, text: string, confirm?: string): Promise<ChatCard> => {
    const response = await server.injectAs('operator', { method: 'POST', url: '/api/v1/chat', payload: { text, utcOffsetMinutes: 0, ...(confirm ? { confirm } : {}) } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ChatCard;
  };

  it('a Slack request received by replica A is refused as a replay by replica B', async () => {
    databases += 1;
    const env = { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase(`chatops_replicas_${databases}`) };
    const secret = 'replica-signing-secret-0123456789';
    const config = { env, now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: secret, runbooks: new UnavailableRunbookGateway() } };
    const [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
    servers.push(a, b);
    const body = new URLSearchParams({ team_id: 'T1', user_id: 'U0', text: 'help', trigger_id: 'replica-1' }).toString();
    const timestamp = String(Math.floor(clock / 1000));
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(secret, timestamp, body) };
    const first = await a.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: body, headers });
    expect(first.statusCode, first.body).toBe(200);
    const replay = await b.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: body, headers });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toContain('already received');
  });

  it('a confirmation asked on replica A is confirmed on replica B, once, and both see the history', async () => {
    const { a, b } = await replicas();
    const text = 'silence disk alerts on db-2 for 1h because resize';
    const question = await chat(a, text);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'silence.create' });
    const token = (question as { token: string }).token;
    const done = await chat(b, text, token);
    expect(done.kind, JSON.stringify(done)).not.toBe('error');
    const silences = (await b.injectAs('viewer', { method: 'GET', url: '/api/v1/silences?state=active' })).json() as { items: Silence[] };
    expect(silences.items).toHaveLength(1);
    // Spent on B, so refused on A.
    expect(await chat(a, text, token)).toMatchObject({ kind: 'error', code: 'E_CONFLICT', text: 'This confirmation has already been used.' });
    for (const server of [a, b]) {
      const history = (await server.injectAs('operator', { method: 'GET', url: '/api/v1/chat/history' })).json() as ChatHistory;
      expect(history.items.map((item) => item.kind)).toEqual(['error', 'text', 'confirmation']);
    }
  }, 180_000);

  it('a chat user mapping made on replica A is listed, refused again and removed on replica B', async () => {
    const { a, b } = await replicas();
    await a.tokenFor('operator');
    const created = await a.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'test-operator' } });
    expect(created.statusCode, created.body).toBe(201);
    const mapping = created.json() as ChatUserMapping;
    expect(((await b.injectAs('admin', { method: 'GET', url: '/api/v1/chat/mappings' })).json() as ChatUserMapping[]).map((m) => [m.id, m.username])).toEqual([[mapping.id, 'test-operator']]);
    const again = await b.injectAs('admin', { method: 'POST', url: '/api/v1/chat/mappings', payload: { platform: 'slack', teamId: 'T1', chatUserId: 'U1', username: 'admin' } });
    expect(again.statusCode).toBe(409);
    expect((await b.injectAs('admin', { method: 'DELETE', url: `/api/v1/chat/mappings/${mapping.id}` })).statusCode).toBe(204);
    expect((await a.injectAs('admin', { method: 'GET', url: '/api/v1/chat/mappings' })).json()).toEqual([]);
  }, 180_000);
});
