import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/auth/permissions.ts';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import type { Alert, Silence } from '../../../shared/api/alerts.ts';
import type { TimelineEntry } from '../../../shared/api/incidents.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { UnavailableRunbookGateway } from './runbook-gateway.ts';

/**
 * A whole conversation against a real server (real SQLite, auth, alerts, incidents and
 * metrics): ask → chart, ack with a comment → acknowledged and on the timeline, silence →
 * an active silence with the right matchers and end. The clock is injected, so expiry is
 * tested by moving it, never by sleeping.
 */
describe('ChatOps conversation', () => {
  let server: TestServer;
  let clock = Date.parse('2026-03-10T12:00:00Z');
  const TTL_SECONDS = 120;

  beforeAll(async () => {
    server = await startTestServer({ now: () => clock, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 }, chatops: { confirmTtlSeconds: TTL_SECONDS, runbooks: new UnavailableRunbookGateway() } });
    // Two hours of CPU on web-1, a disk metric on db-2 and load on lb-1, so all three are in the inventory.
    const samples = Array.from({ length: 120 }, (_, i) => [clock - (120 - i) * 60_000, 0.2 + (i % 10) / 100] as [number, number]);
    const ingest = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/metrics/ingest',
      payload: {
        series: [
          { name: 'node_cpu_utilisation_ratio', labels: { host: 'web-1' }, samples },
          { name: 'node_filesystem_utilisation_ratio', labels: { host: 'db-2', mount: '/' }, samples: [[clock - 60_000, 0.93]] },
          { name: 'node_load1', labels: { host: 'lb-1' }, samples: [[clock - 60_000, 0.5]] },
        ],
      },
    });
    expect(ingest.statusCode).toBe(200);
  });
  afterAll(() => server.close());

  const chat = async (role: Role, text: string, confirm?: string): Promise<ChatCard> => {
    const response = await server.injectAs(role, { method: 'POST', url: '/api/v1/chat', payload: { text, utcOffsetMinutes: 0, ...(confirm ? { confirm } : {}) } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ChatCard;
  };
  const pushAlert = async (labels: Record<string, string>) => (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels }]))[0]!.alert;

  it('answers a question with a chart of the real series', async () => {
    const card = await chat('viewer', 'cpu on web1 last 2h');
    expect(card).toMatchObject({ kind: 'chart', intent: 'metrics.show', metric: 'node_cpu_utilisation_ratio', target: 'web-1', from: clock - 7_200_000, to: clock });
    if (card.kind !== 'chart') throw new Error('not a chart');
    expect(card.series).toHaveLength(1);
    expect(card.series[0]!.labels).toEqual({ host: 'web-1' });
    expect(card.series[0]!.values.length).toBeGreaterThan(100);
  });

  it('parses without executing, with the permission the command needs', async () => {
    const response = await server.injectAs('viewer', { method: 'POST', url: '/api/v1/chat/parse', payload: { text: 'silence disk alerts on db-2 for 1h' } });
    expect(response.json()).toMatchObject({
      intent: 'silence.create',
      slots: { durationSeconds: 3600, matchers: [{ name: 'alertname', op: '=~' }, { name: 'host', op: '=', value: 'db-2' }] },
      requiredPermission: 'silences:write',
    });
    const silences = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences' })).json() as { total: number };
    expect(silences.total).toBe(0);
  });

  it('acknowledges with a comment only after the confirmation, and writes it on the incident timeline', async () => {
    const alert = await pushAlert({ alertname: 'HighCpu', host: 'web-1' });
    expect(alert.incidentId).not.toBeNull();
    const question = await chat('operator', `ack ${alert.id} rolling back`);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'alert.ack', requiredPermission: 'alerts:write' });
    expect(question.text).toContain(`alert ${alert.id}`);
    // Nothing changed yet.
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).state).toBe('firing');

    const token = (question as { token: string }).token;
    const done = await chat('operator', `ack ${alert.id} rolling back`, token);
    expect(done).toMatchObject({ kind: 'text', intent: 'alert.ack', title: `Alert ${alert.id} acknowledged` });
    const after = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert;
    expect(after).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'test-operator', ackComment: 'rolling back' });

    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${alert.incidentId}/timeline` })).json() as TimelineEntry[];
    expect(timeline.some((e) => e.kind === 'alert_acknowledged' && e.text.includes('rolling back'))).toBe(true);
    const command = timeline.find((e) => e.kind === 'command');
    expect(command).toMatchObject({ actor: 'test-operator' });
    expect(command!.text).toContain(`ack ${alert.id} rolling back`);
    expect(command!.data).toMatchObject({ intent: 'alert.ack', answer: { kind: 'text' } });

    // Single use: the same token again is refused and changes nothing.
    expect(await chat('operator', `ack ${alert.id} rolling back`, token)).toMatchObject({ kind: 'error', code: 'E_CONFLICT' });
  });

  it('takes an acknowledgement back after the confirmation: the alert fires again, with the comment on its history', async () => {
    const alert = await pushAlert({ alertname: 'AckedByMistake', host: 'web-1' });
    expect(await chat('operator', `unack ${alert.id}`)).toMatchObject({ kind: 'error', code: 'E_CONFLICT', text: expect.stringContaining('is firing') });
    const ack = await chat('operator', `ack ${alert.id} mine`);
    await chat('operator', `ack ${alert.id} mine`, (ack as { token: string }).token);
    const question = await chat('operator', `unack ${alert.id} wrong alert`);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'alert.unack', requiredPermission: 'alerts:write' });
    expect(question.text).toBe(`Un-acknowledge alert ${alert.id} (AckedByMistake on web-1, acknowledged by test-operator): it fires again, with comment "wrong alert"`);
    const done = await chat('operator', `unack ${alert.id} wrong alert`, (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', intent: 'alert.unack', title: `Alert ${alert.id} un-acknowledged` });
    const stored = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert;
    expect(stored).toMatchObject({ state: 'firing', acknowledgedBy: null, ackComment: null });
    expect(await chat('viewer', `unack ${alert.id}`)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN' });
  });

  it('acknowledges several alerts named at once, skipping one already acknowledged, and says so before', async () => {
    const [a, b, c] = [await pushAlert({ alertname: 'ManyA', host: 'api-7' }), await pushAlert({ alertname: 'ManyB', host: 'api-7' }), await pushAlert({ alertname: 'ManyC', host: 'api-7' })];
    expect((await server.injectAs('admin', { method: 'POST', url: `/api/v1/alerts/${c.id}/acknowledge`, payload: { comment: 'mine' } })).statusCode).toBe(200);
    const text = `acknowledge alerts ${a.id}, ${b.id} and ${c.id} - looking`;
    const question = await chat('operator', text);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'alert.ack' });
    expect(question.text).toContain(`Acknowledge alert ${a.id} (ManyA on api-7) and alert ${b.id} (ManyB on api-7) (${c.id} is resolved or acknowledged already) with comment "looking"`);
    const done = await chat('operator', text, (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', title: '2 alerts acknowledged' });
    for (const id of [a.id, b.id]) expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${id}` })).json() as Alert).ackComment).toBe('looking');
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${c.id}` })).json() as Alert).ackComment).toBe('mine');
    expect(await chat('operator', `ack ${a.id}, 99999`)).toMatchObject({ kind: 'error', code: 'E_NOT_FOUND', text: expect.stringContaining('No alert 99999') });
    const many = Array.from({ length: 51 }, (_, i) => 100_000 + i).join(', ');
    expect(await chat('operator', `ack ${many}`)).toMatchObject({ kind: 'error', code: 'E_VALIDATION', text: expect.stringContaining('51 alerts named, more than 50 at once') });
  });

  it('acknowledges every firing alert of one target, listed in the confirmation, and nothing elsewhere', async () => {
    // Targets are what the metrics name: one series on each host.
    const series = ['cache-9', 'cache-8'].map((host) => ({ name: 'node_load1', labels: { host }, samples: [[clock - 60_000, 1]] }));
    expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series } })).statusCode).toBe(200);
    const mine = [await pushAlert({ alertname: 'TargetA', host: 'cache-9' }), await pushAlert({ alertname: 'TargetB', host: 'cache-9' })];
    const elsewhere = await pushAlert({ alertname: 'TargetA', host: 'cache-8' });
    const question = await chat('operator', 'ack all alerts on cache-9');
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'alert.ack' });
    expect(question.text).toContain(`the 2 firing alerts on cache-9: `);
    for (const alert of mine) expect(question.text).toContain(String(alert.id));
    const done = await chat('operator', 'ack all alerts on cache-9', (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', title: '2 alerts acknowledged' });
    for (const alert of mine) expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).state).toBe('acknowledged');
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${elsewhere.id}` })).json() as Alert).state).toBe('firing');
    // Nothing left to acknowledge there now.
    expect(await chat('operator', 'ack everything on cache-9')).toMatchObject({ kind: 'error', code: 'E_CONFLICT', text: expect.stringContaining('No firing alert on cache-9') });
    // Only the severity said: the warning on cache-8 stays firing.
    const critical = await pushAlert({ alertname: 'TargetC', host: 'cache-8', severity: 'critical' });
    const onlyCritical = await chat('operator', 'ack all critical alerts on cache-8');
    expect(onlyCritical.text).toBe(`Acknowledge the 1 firing critical alert on cache-8: ${critical.id}`);
    await chat('operator', 'ack all critical alerts on cache-8', (onlyCritical as { token: string }).token);
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${critical.id}` })).json() as Alert).state).toBe('acknowledged');
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${elsewhere.id}` })).json() as Alert).state).toBe('firing');
  });

  it('silences with the right matchers and end, after the confirmation', async () => {
    const alert = await pushAlert({ alertname: 'DiskAlmostFull', host: 'db-2' });
    const question = await chat('operator', 'silence disk alerts on db-2 for 1h because resize in progress');
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'silence.create' });
    expect(question.text).toContain('1 unresolved alert(s) match now');
    const done = await chat('operator', 'silence disk alerts on db-2 for 1h because resize in progress', (question as { token: string }).token);
    expect(done.kind).toBe('text');

    const silences = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences?state=active' })).json() as { items: Silence[] };
    expect(silences.items).toHaveLength(1);
    expect(silences.items[0]).toMatchObject({
      matchers: [{ name: 'alertname', op: '=~', value: '.*(?i:disk).*' }, { name: 'host', op: '=', value: 'db-2' }],
      startsAt: clock,
      endsAt: clock + 3_600_000,
      comment: 'resize in progress',
      createdBy: 'test-operator',
      state: 'active',
    });
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).silenced).toBe(true);
  });

  it('lets a token expire: the clock moves past its lifetime and the command is refused', async () => {
    const alert = await pushAlert({ alertname: 'Expiring', host: 'web-1' });
    const question = await chat('operator', `ack ${alert.id}`);
    clock += (TTL_SECONDS + 1) * 1000;
    const late = await chat('operator', `ack ${alert.id}`, (question as { token: string }).token);
    expect(late).toMatchObject({ kind: 'error', code: 'E_TOKEN_INVALID' });
    expect(late.text).toContain('expired');
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).state).toBe('firing');
  });

  it('binds a token to its asker and to the command it previewed', async () => {
    const alert = await pushAlert({ alertname: 'Bound', host: 'web-1' });
    const other = await pushAlert({ alertname: 'Other', host: 'web-1' });
    const question = await chat('operator', `ack ${alert.id}`);
    const token = (question as { token: string }).token;
    expect(await chat('admin', `ack ${alert.id}`, token)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN' });
    expect(await chat('operator', `ack ${other.id}`, token)).toMatchObject({ kind: 'error', code: 'E_CONFLICT' });
    expect(await chat('operator', `ack ${alert.id}`, 'not-a-token-at-all-0000')).toMatchObject({ kind: 'error', code: 'E_TOKEN_INVALID' });
    // Refusals did not spend it: its asker can still confirm.
    expect(await chat('operator', `ack ${alert.id}`, token)).toMatchObject({ kind: 'text', intent: 'alert.ack' });
  });

  it('shows an incident with the command on its timeline, and expires a silence', async () => {
    const alert = await pushAlert({ alertname: 'Shown', host: 'web-1' });
    const card = await chat('viewer', `status of #${alert.incidentId}`);
    expect(card).toMatchObject({ kind: 'incident', intent: 'incident.show', incident: { id: alert.incidentId } });
    const silence = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences?state=active' })).json() as { items: Silence[] }).items[0]!;
    const question = await chat('operator', `unsilence ${silence.id}`);
    expect(await chat('operator', `unsilence ${silence.id}`, (question as { token: string }).token)).toMatchObject({ kind: 'text', title: `Silence ${silence.id} expired` });
  });

  it('lists the unresolved incidents, and those on one target', async () => {
    const onDb = await pushAlert({ alertname: 'DiskAlmostFull', host: 'db-2', severity: 'critical' });
    const card = await chat('viewer', 'open incidents');
    expect(card).toMatchObject({ kind: 'table', intent: 'incidents.list' });
    if (card.kind !== 'table') throw new Error('not a table');
    const ids = card.rows.map((row) => row[0]);
    expect(ids).toContain(onDb.incidentId);
    const onTarget = await chat('viewer', 'critical incidents on db-2');
    if (onTarget.kind !== 'table') throw new Error('not a table');
    expect(onTarget.rows.map((row) => row[0])).toEqual([onDb.incidentId]);
    expect(onTarget.rows[0]![3]).toContain('DiskAlmostFull');
    const resolved = await chat('viewer', 'resolved incidents');
    expect(resolved).toMatchObject({ kind: 'table', intent: 'incidents.list', text: 'No resolved incidents.', rows: [] });
  });

  it('lists the alerts of several severities named at once, and not the others', async () => {
    const critical = await pushAlert({ alertname: 'NodeDown', host: 'lb-1', severity: 'critical' });
    const warning = await pushAlert({ alertname: 'HighLoad', host: 'lb-1', severity: 'warning' });
    const info = await pushAlert({ alertname: 'Deployed', host: 'lb-1', severity: 'info' });
    const card = await chat('viewer', 'critical and warning alerts on lb-1');
    if (card.kind !== 'table') throw new Error('not a table');
    expect(card.title).toBe('2 unresolved critical or warning alerts on lb-1');
    expect(card.rows.map((row) => row[0]).sort()).toEqual([critical.id, warning.id].sort());
    expect(card.rows.map((row) => row[0])).not.toContain(info.id);
  });

  it('lists the alerts a silence covers, or those it does not, by the participle said', async () => {
    const quiet = await pushAlert({ alertname: 'NoisyProbe', host: 'lb-1', severity: 'warning' });
    const loud = await pushAlert({ alertname: 'BackendDown', host: 'lb-1', severity: 'warning' });
    const question = await chat('operator', `mute alert ${quiet.id} for 1h`);
    expect(await chat('operator', `mute alert ${quiet.id} for 1h`, (question as { token: string }).token)).toMatchObject({ kind: 'text', intent: 'silence.create' });
    const silenced = await chat('viewer', 'silenced alerts on lb-1');
    if (silenced.kind !== 'table') throw new Error('not a table');
    expect(silenced.title).toBe('1 unresolved silenced alert on lb-1');
    expect(silenced.rows).toEqual([[quiet.id, 'warning', 'firing (silenced)', 'NoisyProbe', 'lb-1', expect.any(String), quiet.incidentId]]);
    const audible = await chat('viewer', 'alerts on lb-1 that are not muted');
    if (audible.kind !== 'table') throw new Error('not a table');
    expect(audible.title).toMatch(/unresolved unsilenced alerts? on lb-1$/);
    expect(audible.rows.map((row) => row[0])).toContain(loud.id);
    expect(audible.rows.map((row) => row[0])).not.toContain(quiet.id);
  });

  it('lists the incidents the asker commands, and those active in a window said in words', async () => {
    const alert = await pushAlert({ alertname: 'QueueBacklog', host: 'lb-1', severity: 'warning' });
    const assign = await server.injectAs('operator', { method: 'PATCH', url: `/api/v1/incidents/${alert.incidentId}`, payload: { commander: 'test-operator' } });
    expect(assign.statusCode).toBe(200);
    const mine = await chat('operator', 'my incidents');
    if (mine.kind !== 'table') throw new Error('not a table');
    expect(mine.rows.map((row) => row[0])).toEqual([alert.incidentId]);
    expect(mine.title).toBe('1 unresolved incident you command');
    const theirs = await chat('viewer', 'incidents assigned to me');
    expect(theirs).toMatchObject({ kind: 'table', rows: [] });
    // Active today (the clock is 2026-03-10 12:00 UTC), whatever their status; none the day before yesterday.
    const today = await chat('viewer', 'incidents today');
    if (today.kind !== 'table') throw new Error('not a table');
    expect(today.rows.map((row) => row[0])).toContain(alert.incidentId);
    expect(await chat('viewer', 'incidents on the 7th')).toMatchObject({ kind: 'table', rows: [] });
  });

  it('shows one alert with who acknowledged it and its incident, and says when there is none', async () => {
    const alert = await pushAlert({ alertname: 'CertExpiring', host: 'lb-1', severity: 'warning' });
    const question = await chat('operator', `ack ${alert.id} renewing`);
    await chat('operator', `ack ${alert.id} renewing`, (question as { token: string }).token);
    const card = await chat('viewer', `who acked alert ${alert.id}`);
    if (card.kind !== 'table') throw new Error('not a table');
    expect(card).toMatchObject({ intent: 'alert.show', title: `Alert ${alert.id}: CertExpiring on lb-1`, columns: ['field', 'value'] });
    const field = (name: string) => card.rows.find((row) => row[0] === name)?.[1];
    expect(field('state')).toBe('acknowledged');
    expect(field('acknowledged')).toMatch(/^by test-operator at .*: "renewing"$/);
    expect(field('incident')).toBe(alert.incidentId);
    expect(await chat('viewer', 'alert 999999')).toMatchObject({ kind: 'error', intent: 'alert.show', code: 'E_NOT_FOUND' });
  });

  it('silences until a time said in words, ending then', async () => {
    const card = await chat('operator', 'silence disk alerts on db-2 until 6pm');
    expect(card).toMatchObject({ kind: 'confirmation', intent: 'silence.create' });
    const done = await chat('operator', 'silence disk alerts on db-2 until 6pm', (card as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', intent: 'silence.create' });
    const silences = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/silences?state=active' })).json() as { items: Silence[] }).items;
    const made = silences.find((s) => s.matchers.some((m) => m.value === '.*(?i:disk).*'));
    expect(made?.endsAt).toBe(Date.parse('2026-03-10T18:00:00Z'));
    // Asked for, it is listed with the silences on db-2 (and not on web-1).
    const listed = await chat('viewer', 'silences on db-2');
    expect(listed).toMatchObject({ kind: 'table', intent: 'silences.list' });
    if (listed.kind !== 'table') throw new Error('not a table');
    expect(listed.rows.map((row) => row[0])).toContain(made!.id);
    const other = await chat('viewer', 'silences on web-1');
    if (other.kind !== 'table') throw new Error('not a table');
    expect(other.rows.map((row) => row[0])).not.toContain(made!.id);
  });

  it('silences one alert by its id with all its labels, and refuses a resolved one', async () => {
    const alert = await pushAlert({ alertname: 'OneOff', host: 'web-1', shard: '3' });
    const question = await chat('operator', `snooze alert ${alert.id} for 30m`);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'silence.create' });
    expect(question.text).toContain(`Silence alert ${alert.id}, i.e. alerts matching alertname="OneOff", host="web-1", shard="3" for 30m — 1 unresolved alert(s) match now`);
    const done = await chat('operator', `snooze alert ${alert.id} for 30m`, (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', intent: 'silence.create' });
    expect(((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/alerts/${alert.id}` })).json() as Alert).silenced).toBe(true);
    await server.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: alert.labels }]);
    expect(await chat('operator', `silence ${alert.id} for 1h`)).toMatchObject({ kind: 'error', code: 'E_CONFLICT', text: expect.stringContaining('is resolved') });
    // The API's bounds, before the confirmation.
    expect(await chat('operator', 'silence web-1 for 0 minutes')).toMatchObject({ kind: 'error', code: 'E_VALIDATION', text: expect.stringContaining('at least a second') });
    expect(await chat('operator', 'silence web-1 for 400 days')).toMatchObject({ kind: 'error', code: 'E_VALIDATION', text: expect.stringContaining('at most 366 days') });
    expect(await chat('operator', 'silence web-1 for 10 years')).toMatchObject({ kind: 'error', code: 'E_VALIDATION', text: expect.stringContaining('at most 366 days') });
  });

  it('resolves and reopens an incident after the confirmation, with the comment on its timeline', async () => {
    const alert = await pushAlert({ alertname: 'StatusChange', host: 'web-1' });
    const id = alert.incidentId!;
    const text = `resolve incident ${id} fixed by rollback`;
    const question = await chat('operator', text);
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'incident.status', requiredPermission: 'incidents:write' });
    expect(question.text).toMatch(new RegExp(`^Resolve incident ${id} \\(.*, open now\\) with comment "fixed by rollback"`));
    const done = await chat('operator', text, (question as { token: string }).token);
    expect(done).toMatchObject({ kind: 'text', intent: 'incident.status', title: `Incident ${id} resolved` });
    const status = async () => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}` })).json() as { incident: { status: string } }).incident.status;
    expect(await status()).toBe('resolved');
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}/timeline` })).json() as TimelineEntry[];
    expect(timeline.some((e) => e.kind === 'status_changed' && e.text.includes('fixed by rollback'))).toBe(true);
    // Said twice, the second is refused before anything changes; reopening works the same way.
    expect(await chat('operator', `close inc ${id}`)).toMatchObject({ kind: 'error', code: 'E_CONFLICT' });
    const reopen = await chat('operator', `reopen incident ${id}`);
    expect(await chat('operator', `reopen incident ${id}`, (reopen as { token: string }).token)).toMatchObject({ kind: 'text', title: `Incident ${id} reopened` });
    expect(await status()).toBe('open');
    expect(await chat('viewer', `resolve incident ${id}`)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN' });
  });

  it('takes command of an incident for the asker, or gives it to a name, after the confirmation and on the timeline', async () => {
    const alert = await pushAlert({ alertname: 'CommandMe', host: 'web-1' });
    const id = alert.incidentId!;
    const commander = async () => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}` })).json() as { incident: { commander: string | null } }).incident.commander;
    const mine = await chat('operator', `I'll take incident ${id}`);
    expect(mine).toMatchObject({ kind: 'confirmation', intent: 'incident.assign', requiredPermission: 'incidents:write' });
    expect(mine.text).toMatch(new RegExp(`^Make test-operator the commander of incident ${id} \\(.*, open, no commander now\\)$`));
    expect(await commander()).toBeNull();
    expect(await chat('operator', `I'll take incident ${id}`, (mine as { token: string }).token)).toMatchObject({ kind: 'text', title: `test-operator commands incident ${id}` });
    expect(await commander()).toBe('test-operator');
    // Said again, refused before anything changes; handed over to a name as typed.
    expect(await chat('operator', `I'm IC for #${id}`)).toMatchObject({ kind: 'error', code: 'E_CONFLICT' });
    const handover = await chat('operator', `assign incident ${id} to Alice.Smith`);
    expect(handover.text).toContain('commanded by test-operator now');
    await chat('operator', `assign incident ${id} to Alice.Smith`, (handover as { token: string }).token);
    expect(await commander()).toBe('Alice.Smith');
    const hers = await chat('viewer', 'incidents assigned to Alice.Smith');
    if (hers.kind !== 'table') throw new Error('not a table');
    expect(hers.title).toBe('1 unresolved incident commanded by Alice.Smith');
    expect(hers.rows.map((row) => row[0])).toEqual([id]);
    const timeline = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${id}/timeline` })).json() as TimelineEntry[];
    expect(timeline.filter((e) => e.kind === 'commander_changed').map((e) => e.text)).toEqual([
      'test-operator is now incident commander (set by test-operator)',
      'Alice.Smith is now incident commander (set by test-operator)',
    ]);
    // Those without a commander no longer list it; another, unassigned, is listed (the API's filter, and chat's).
    const other = (await pushAlert({ alertname: 'NobodysYet', host: 'db-1' })).incidentId!;
    const page = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/incidents?unassigned=true&limit=500' })).json() as { items: { id: number; commander: string | null }[] };
    expect(page.items.map((i) => i.id)).toContain(other);
    expect(page.items.map((i) => i.id)).not.toContain(id);
    expect(page.items.every((i) => i.commander === null)).toBe(true);
    const unassigned = await chat('viewer', 'unassigned incidents');
    if (unassigned.kind !== 'table') throw new Error('not a table');
    expect(unassigned.title).toMatch(/^\d+ unresolved incidents? without a commander$/);
    expect(unassigned.rows.map((row) => row[0])).toContain(other);
    expect(unassigned.rows.map((row) => row[0])).not.toContain(id);
    expect(await chat('viewer', `I'll take incident ${id}`)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN' });
    expect(await chat('operator', 'assign incident 999999 to bob')).toMatchObject({ kind: 'error', code: 'E_NOT_FOUND' });
  });

  it('lists what fired in a past window, resolved ones included, and not what started after it', async () => {
    const before = await pushAlert({ alertname: 'Overnight', host: 'web-1' });
    await server.app.alerts.service.ingest([{ source: 'api', status: 'resolved', labels: before.labels }]);
    clock += 3_600_000;
    const after = await pushAlert({ alertname: 'Later', host: 'web-1' });
    const card = await chat('viewer', 'what fired on web-1 in the last 30 minutes');
    if (card.kind !== 'table') throw new Error(`not a table: ${card.text}`);
    expect(card.title).toMatch(/alerts? active from .* on web-1$/);
    expect(card.rows.map((row) => row[0])).toContain(after.id);
    expect(card.rows.map((row) => row[0])).not.toContain(before.id);
    const wider = await chat('viewer', 'what fired on web-1 in the last 2 hours');
    if (wider.kind !== 'table') throw new Error('not a table');
    const overnight = wider.rows.find((row) => row[0] === before.id);
    expect(overnight?.[2]).toBe('resolved');
  });

  it('answers unknown with alternatives, and not-found with an error card', async () => {
    expect(await chat('viewer', 'cpu on web-9')).toMatchObject({ kind: 'error', intent: 'unknown', code: 'E_BAD_REQUEST' });
    expect(await chat('operator', 'ack 99999')).toMatchObject({ kind: 'error', intent: 'alert.ack', code: 'E_NOT_FOUND' });
    expect(await chat('viewer', 'incident 4242')).toMatchObject({ kind: 'error', code: 'E_NOT_FOUND' });
    // A reading with a stated problem says it once, as it is: not as a guess, not again as an alternative.
    const twoMetrics = await chat('viewer', 'show cpu and load on web-1');
    if (twoMetrics.kind !== 'error') throw new Error('not an error card');
    expect(twoMetrics.text).toMatch(/^A chart shows one metric; this would leave out node_load1/);
    expect(twoMetrics.alternatives).toEqual([]);
    const noTarget = await chat('viewer', 'cpu on web-9');
    if (noTarget.kind !== 'error') throw new Error('not an error card');
    expect(noTarget.text).toMatch(/^No target named "web-9"/);
    expect(noTarget.alternatives.every((a) => !noTarget.text.includes(a.text))).toBe(true);
  });

  it('says runbooks are not available on a server without them', async () => {
    const card = await chat('operator', 'restart web on web-1');
    expect(card).toMatchObject({ kind: 'error', intent: 'runbook.run', code: 'E_UNAVAILABLE', text: 'Runbooks are not available on this server.' });
  });

  it('refuses bad input with our error shape', async () => {
    const empty = await server.injectAs('viewer', { method: 'POST', url: '/api/v1/chat', payload: { text: '' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'E_VALIDATION' } });
    const anonymous = await server.injectAs(null, { method: 'POST', url: '/api/v1/chat', payload: { text: 'help' } });
    expect(anonymous.statusCode).toBe(401);
  });

  it('keeps each user\'s history and audits every command', async () => {
    const history = (await server.injectAs('operator', { method: 'GET', url: '/api/v1/chat/history' })).json() as { items: { text: string; kind: string }[] };
    expect(history.items.some((h) => h.text.startsWith('silence disk alerts') && h.kind === 'confirmation')).toBe(true);
    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=chat.command&limit=200' })).json() as { entries: { actor: string; outcome: string; details: { stage: string } }[] };
    expect(audit.entries.some((e) => e.actor === 'test-operator' && e.details.stage === 'confirmed' && e.outcome === 'success')).toBe(true);
    expect(audit.entries.some((e) => e.actor === 'test-viewer' && e.details.stage === 'answer')).toBe(true);
  });
});
