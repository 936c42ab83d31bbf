import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/permissions.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { slackSignature } from '../chatops/slack/signature.ts';

const NUL = 'a\u0000b';
const SECRET = 'test-signing-secret-0123456789';

/**
 * A NUL (U+0000) in request text answered 500 on PostgreSQL, which cannot store one in `text`
 * or `jsonb`: an alert label (an Alertmanager batch answered 500 is sent again and again), an
 * API key's name, a note, a search, a chat message. SQLite stored it. Every request text with
 * a NUL is now 400 `E_VALIDATION` on both databases (this file runs in both passes).
 */
describe('NUL characters in request text', () => {
  let server: TestServer;
  let key = '';
  let incidentId = 0;
  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { slackSigningSecret: SECRET } });
    key = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'am', role: 'operator', scopes: ['alerts:write'] } })).json().secret as string;
    await server.injectAs('operator', { method: 'POST', url: '/api/v1/alerts', payload: { alerts: [{ status: 'firing', labels: { alertname: 'NulProbe' } }] } });
    incidentId = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents' })).json() as { items: Array<{ id: number }> }).items[0]!.id;
  });
  afterAll(async () => server.close());

  const send = (role: Role, method: 'GET' | 'POST', url: string, payload?: object) => server.injectAs(role, { method, url, ...(payload ? { payload } : {}) });
  const refusedAt = (response: { statusCode: number; json: () => unknown }, path: string) => {
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'E_VALIDATION', details: [{ path, message: 'contains a NUL character (U+0000)' }] } });
  };

  it('refuses a NUL in alert labels, label names and annotations on both ingest routes, storing nothing', async () => {
    refusedAt(await send('operator', 'POST', '/api/v1/alerts', { alerts: [{ status: 'firing', labels: { alertname: NUL } }] }), '/alerts/0/labels/alertname');
    refusedAt(await send('operator', 'POST', '/api/v1/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'x', [NUL]: 'v' } }] }), '/alerts/0/labels/a\\u0000b');
    refusedAt(await send('operator', 'POST', '/api/v1/alerts', { alerts: [{ status: 'firing', labels: { alertname: 'y' }, annotations: { summary: NUL } }] }), '/alerts/0/annotations/summary');
    const receiver = await server.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${key}` },
      payload: { version: '4', status: 'firing', receiver: 'test', alerts: [{ status: 'firing', labels: { alertname: 'Ok' }, startsAt: '2026-03-10T11:59:00Z' }, { status: 'firing', labels: { alertname: NUL }, startsAt: '2026-03-10T11:59:00Z' }] },
    });
    refusedAt(receiver, '/alerts/1/labels/alertname');
    const stored = (await send('viewer', 'GET', '/api/v1/alerts')).json() as { items: Array<{ labels: Record<string, string> }> };
    expect(stored.items.map((alert) => alert.labels.alertname)).toEqual(['NulProbe']);
  });

  it('refuses a NUL in names, notes, chat and the query string', async () => {
    refusedAt(await send('operator', 'POST', '/api/v1/api-keys', { name: NUL, role: 'viewer' }), '/name');
    refusedAt(await send('operator', 'POST', `/api/v1/incidents/${incidentId}/notes`, { text: NUL }), '/text');
    refusedAt(await send('viewer', 'POST', '/api/v1/chat', { text: NUL }), '/text');
    for (const url of ['/api/v1/search?q=a%00b', '/api/v1/incidents?q=a%00b', '/api/v1/alerts?q=a%00b', '/api/v1/audit?actor=a%00b']) refusedAt(await send('admin', 'GET', url), 'url');
  });

  it('finds a NUL two hundred thousand levels deep without overflowing the stack', async () => {
    const depth = 200_000;
    const body = `{"text":${'['.repeat(depth)}"a\\u0000b"${']'.repeat(depth)}}`;
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/chat', headers: { authorization: `Bearer ${await server.tokenFor('viewer')}`, 'content-type': 'application/json' }, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].path).toBe(`/text${'/0'.repeat(depth)}`);
  });

  it('refuses a NUL in a Slack form', async () => {
    const body = new URLSearchParams({ team_id: 'T1', user_id: 'U1', user_name: 'u1', command: '/ops', text: NUL, trigger_id: '1' }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await server.app.inject({ method: 'POST', url: '/api/v1/integrations/slack/command', payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SECRET, timestamp, body) } });
    refusedAt(response, 'form');
  });

  it('takes an escaped backslash followed by "u0000", and still refuses prototype keys', async () => {
    const text = 'C:\\u0000\\path';
    const note = await server.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, headers: { authorization: `Bearer ${await server.tokenFor('operator')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ text }) });
    expect(note.statusCode, note.body).toBeLessThan(300);
    const poisoned = await server.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: '{"alerts":[{"status":"firing","labels":{"alertname":"P","__proto__":{"x":"1"}}}]}' });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error.code).toBe('E_BAD_REQUEST');
  });
});
