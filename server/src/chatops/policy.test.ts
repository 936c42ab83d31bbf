import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../shared/auth/permissions.ts';
import { INTENTS, type Intent } from '../../../shared/chatops/intents.ts';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

/** Who may do what from chat: the permission matrix, per intent and role, against a real server. */
const MAY: Record<Exclude<Intent, 'unknown'>, readonly Role[]> = {
  'metrics.show': ['viewer', 'operator', 'admin'],
  'alerts.list': ['viewer', 'operator', 'admin'],
  'alert.show': ['viewer', 'operator', 'admin'],
  'alert.ack': ['operator', 'admin'],
  'alert.unack': ['operator', 'admin'],
  'silence.create': ['operator', 'admin'],
  'silence.expire': ['operator', 'admin'],
  'incident.show': ['viewer', 'operator', 'admin'],
  'incidents.list': ['viewer', 'operator', 'admin'],
  'silences.list': ['viewer', 'operator', 'admin'],
  'incident.note': ['operator', 'admin'],
  'incident.status': ['operator', 'admin'],
  'incident.assign': ['operator', 'admin'],
  'anomaly.explain': ['viewer', 'operator', 'admin'],
  'runbook.run': ['operator', 'admin'],
  'runbook.cancel': ['operator', 'admin'],
  'runbooks.list': ['viewer', 'operator', 'admin'],
  help: ['viewer', 'operator', 'admin'],
};

describe('ChatOps policy', () => {
  let server: TestServer;
  const phrases = {} as Record<Exclude<Intent, 'unknown'>, string>;

  beforeAll(async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
    const now = Date.now();
    await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/metrics/ingest',
      payload: { series: [{ name: 'node_load1', labels: { host: 'web-1' }, samples: [[now - 1000, 1]] }] },
    });
    const alert = (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'HighLoad', host: 'web-1' } }]))[0]!.alert;
    const silence = await server.app.alerts.service.createSilence({ matchers: [{ name: 'host', op: '=', value: 'nowhere' }], durationSeconds: 600, comment: 'test' }, { name: 'admin', kind: 'user' });
    Object.assign(phrases, {
      'metrics.show': 'load on web-1 last 1h',
      'alerts.list': 'alerts on web-1',
      'alert.show': `alert ${alert.id}`,
      'alert.unack': `unack ${alert.id} by mistake`,
      'alert.ack': `ack ${alert.id} looking`,
      'silence.create': 'silence HighLoad on web-1 for 30m',
      'silence.expire': `unsilence ${silence.id}`,
      'incident.show': `incident ${alert.incidentId}`,
      'incidents.list': 'open incidents',
      'silences.list': 'active silences',
      'incident.note': `note on ${alert.incidentId}: checking`,
      'incident.status': `resolve incident ${alert.incidentId} fixed`,
      'incident.assign': `I'll take incident ${alert.incidentId}`,
      'anomaly.explain': 'why is web-1 anomalous',
      'runbook.run': 'restart web on web-1',
      'runbook.cancel': 'cancel run 1 wrong pool',
      'runbooks.list': 'list runbooks',
      help: 'help',
    });
  });
  afterAll(() => server.close());

  const ask = async (role: Role, text: string): Promise<ChatCard> => (await server.injectAs(role, { method: 'POST', url: '/api/v1/chat', payload: { text } })).json() as ChatCard;

  it('covers every intent', () => {
    expect(Object.keys(MAY).sort()).toEqual(INTENTS.filter((i) => i !== 'unknown').sort());
  });

  for (const role of ROLES) {
    for (const [intent, roles] of Object.entries(MAY) as [Exclude<Intent, 'unknown'>, readonly Role[]][]) {
      const allowed = roles.includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${intent}`, async () => {
        const card = await ask(role, phrases[intent]);
        expect(card.intent).toBe(intent);
        if (allowed) expect(card.kind === 'error' ? card.code : card.kind).not.toBe('E_FORBIDDEN');
        else expect(card).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN' });
      });
    }
  }

  it('audits a refusal as denied, and keeps it off the incident timeline', async () => {
    const incidentId = Number(/\d+/.exec(phrases['incident.note'])![0]);
    await ask('viewer', `note on ${incidentId}: sneaky`);
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline` })).json() as { text: string }[];
    expect(timeline.some((e) => e.text.includes('sneaky'))).toBe(false);
    await ask('viewer', 'unsilence 1');
    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=chat.command&outcome=denied' })).json() as { entries: { actor: string; target: string }[] };
    expect(audit.entries.some((e) => e.actor === 'test-viewer' && e.target === 'intent:silence.expire')).toBe(true);
  });

  it('lists in help only what the asker may do', async () => {
    const viewer = (await ask('viewer', 'help')) as Extract<ChatCard, { kind: 'text' }>;
    const operator = (await ask('operator', 'help')) as Extract<ChatCard, { kind: 'text' }>;
    expect(viewer.lines.join('\n')).not.toMatch(/ack|silence disk|unsilence|note|restart|resolve incident/);
    expect(viewer.lines.join('\n')).toContain('cpu on web-1 last 2h');
    expect(viewer.lines.join('\n')).toContain('active silences');
    expect(operator.lines.join('\n')).toMatch(/ack 12 rolling back[\s\S]*silence disk alerts/);
    // Help on silences shows a viewer the list only; on acknowledging, that it is not theirs.
    const viewerSilences = (await ask('viewer', 'help silence')) as Extract<ChatCard, { kind: 'text' }>;
    expect(viewerSilences.lines.join('\n')).toContain('active silences');
    expect(viewerSilences.lines.join('\n')).not.toContain('silence disk alerts');
    expect(await ask('viewer', 'help ack')).toMatchObject({ kind: 'text', text: expect.stringContaining('cannot use alert.ack') });
  });

  it('needs chatops:use to change state from chat, even with the write permission', async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'no-chat', role: 'operator', scopes: ['alerts:read', 'alerts:write', 'metrics:read'], expiresAt: Date.now() + 86_400_000 } });
    expect(created.statusCode, created.body).toBe(201);
    const secret = (created.json() as { secret: string }).secret;
    const asKey = async (text: string) =>
      (await server.app.inject({ method: 'POST', url: '/api/v1/chat', headers: { authorization: `Bearer ${secret}` }, payload: { text } })).json() as ChatCard;
    expect(await asKey('ack 1 on it')).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN', text: expect.stringContaining('chatops:use') });
    expect((await asKey('load on web-1')).kind).toBe('chart');
    expect(await asKey('incident 1')).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN', text: expect.stringContaining('incidents:read') });
  });
});
