import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import { RunbookChatGateway } from './chat-gateway.ts';
import type { ChatCard } from '../../../shared/api/chatops.ts';
import type { Run } from '../../../shared/api/runbooks.ts';
import { chatUserOf } from '../chatops/chat-user.ts';

describe('ChatOps reaches runbooks through the same plan and approval flow', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-chat-runbooks-'));
    fs.writeFileSync(path.join(dir, 'restart-web.yaml'), `id: restart-web
title: Restart the web service
params:
  service: { type: string, enum: [web, api] }
steps:
  - name: restart
    run: [/usr/bin/true, "{{params.service}}"]
safety: { mode: approve, approvers: 1 }
`);
    // (Cancelled only by an admin: its safety.role.)
    fs.writeFileSync(path.join(dir, 'admin-only.yaml'), 'id: admin-only\ntitle: Admin only\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, role: admin }\n');
    server = await startTestServer({ runbooks: { dir }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds, plans and requests a run that then waits for someone else', async () => {
    const gateway = new RunbookChatGateway(server.app.runbooks);
    await eventually(() => gateway.find('restart'), (found) => found.length === 1);
    expect(gateway.find('restart web')).toEqual([{ id: 'restart-web', title: 'Restart the web service', keywords: expect.arrayContaining(['restart', 'web']), params: ['service'] }]);
    const requester = { key: 'user:424242', name: 'chat-user', kind: 'user' as const, role: 'operator' as const, scopes: null, ip: null, channel: 'slack' as const };
    const plan = await gateway.plan({ runbookId: 'restart-web', params: { service: 'web' }, requester });
    expect(plan).toEqual({ runbookId: 'restart-web', title: 'Restart the web service', steps: ['restart: "/usr/bin/true" "web"'], needsApproval: true });
    const run = await gateway.requestRun({ runbookId: 'restart-web', params: { service: 'web' }, requester });
    expect(run).toMatchObject({ status: 'pending_approval', text: expect.stringContaining('waits for 1 approval') });
    expect(await server.app.runbooks.store.byId(Number(run.runId))).toMatchObject({ requestedBy: 'chat-user', requestedByUserId: 424242 });
    await expect(gateway.plan({ runbookId: 'restart-web', params: { service: 'db' }, requester })).rejects.toMatchObject({ code: 'E_VALIDATION' });
  });

  it('lists the runbooks in chat, to anyone who may read them, and runs one named by what it does', async () => {
    const chat = async (role: 'viewer' | 'operator', text: string) => (await server.injectAs(role, { method: 'POST', url: '/api/v1/chat', payload: { text } })).json() as ChatCard;
    const list = await eventually(() => chat('viewer', 'what runbooks are there'), (card) => card.kind === 'table' && card.rows.length === 2);
    expect(list).toMatchObject({ kind: 'table', intent: 'runbooks.list', title: '2 runbooks', columns: ['runbook', 'what it does', 'parameters'] });
    expect(list.kind === 'table' && list.rows).toContainEqual(['restart-web', 'Restart the web service', 'service']);
    expect(await chat('viewer', 'runbooks for restart')).toMatchObject({ kind: 'table', rows: [['restart-web', 'Restart the web service', 'service']] });
    expect(await chat('viewer', 'runbooks about disk')).toMatchObject({ kind: 'table', title: '0 runbooks about "disk"', text: 'No runbooks about "disk"; "list runbooks" shows all 2.', rows: [] });
    // "the restart runbook" names none by its id, but one restarts: planned, waiting for the confirmation.
    const question = await chat('operator', 'run the restart runbook service=web');
    expect(question).toMatchObject({ kind: 'confirmation', intent: 'runbook.run' });
    expect(question.text).toContain('restart-web');
  });

  it("a run requested in chat through the requester's API key cannot be approved by that same person", async () => {
    // The operator's user id, from a run they request in the console (and withdraw).
    const own = (await server.injectAs('operator', { method: 'POST', url: '/api/v1/runbooks/restart-web/runs', payload: { params: { service: 'api' } } })).json() as Run;
    const operatorId = (await server.app.runbooks.store.byId(own.id))!.requestedByUserId!;
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${own.id}/reject`, payload: {} });
    const viaKey = chatUserOf({ kind: 'apiKey', userId: operatorId, name: 'ops-script', role: 'operator', scopes: null, mustChangePassword: false, apiKeyId: 77 }, null);
    const gateway = new RunbookChatGateway(server.app.runbooks);
    const requested = await gateway.requestRun({ runbookId: 'restart-web', params: { service: 'api' }, requester: viaKey });
    expect(requested.status).toBe('pending_approval');
    const self = await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${requested.runId}/approve`, payload: {} });
    expect(self.statusCode).toBe(403);
    expect((await server.app.runbooks.store.byId(Number(requested.runId)))!.state).toBe('pending_approval');
  });

  const chat = async (role: 'viewer' | 'operator' | 'admin', text: string, confirm?: string) =>
    (await server.injectAs(role, { method: 'POST', url: '/api/v1/chat', payload: confirm === undefined ? { text } : { text, confirm } })).json() as ChatCard;
  const token = (card: ChatCard) => (card.kind === 'confirmation' ? card.token : expect.fail(`not a confirmation: ${JSON.stringify(card)}`));
  const requestedRun = async (role: 'operator' | 'admin', runbook: string, params: Record<string, string>) =>
    (await server.injectAs(role, { method: 'POST', url: `/api/v1/runbooks/${runbook}/runs`, payload: { params } })).json() as Run;

  it('cancels a run from chat through the cancel route\'s own service call: confirmation first, the reason, the audit', async () => {
    const run = await requestedRun('operator', 'restart-web', { service: 'web' });
    const asked = await chat('operator', `kill run ${run.id}, wrong pool`);
    expect(asked).toMatchObject({ kind: 'confirmation', intent: 'runbook.cancel', text: `Cancel run #${run.id} of Restart the web service (restart-web, pending approval now) with reason "wrong pool": it never starts` });
    expect((await server.app.runbooks.store.byId(run.id))!.state).toBe('pending_approval');
    const done = await chat('operator', `kill run ${run.id}, wrong pool`, token(asked));
    expect(done).toMatchObject({ kind: 'text', intent: 'runbook.cancel', title: `Run #${run.id} cancelled` });
    expect(await server.app.runbooks.store.byId(run.id)).toMatchObject({ state: 'cancelled', reason: expect.stringMatching(/^cancelled by .+: wrong pool$/) });
    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=runbook.run.cancel' })).json() as { entries: { target: string; outcome: string; details: { reason?: string } }[] };
    expect(audit.entries).toContainEqual(expect.objectContaining({ target: `runbook-run:${run.id}`, outcome: 'success', details: expect.objectContaining({ reason: 'wrong pool' }) }));
    // A final run, an unknown one, and someone the route would refuse are answered as the route answers, before any card.
    expect(await chat('operator', `stop run #${run.id}`)).toMatchObject({ kind: 'error', code: 'E_CONFLICT', text: `Run ${run.id} is already cancelled; there is nothing to cancel.` });
    expect(await chat('operator', 'abort the run 999999')).toMatchObject({ kind: 'error', code: 'E_NOT_FOUND', text: 'No runbook run 999999.' });
    const other = await requestedRun('operator', 'restart-web', { service: 'api' });
    expect(await chat('viewer', `cancel run ${other.id}`)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN', text: expect.stringContaining('runbooks:run') });
    const adminOnly = await requestedRun('admin', 'admin-only', {});
    expect(await chat('operator', `cancel run ${adminOnly.id}`)).toMatchObject({ kind: 'error', code: 'E_FORBIDDEN', text: 'Cancelling admin-only needs the admin role.' });
    expect((await server.app.runbooks.store.byId(adminOnly.id))!.state).toBe('pending_approval');
    await server.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${other.id}/cancel`, payload: {} });
    await server.injectAs('admin', { method: 'POST', url: `/api/v1/runbook-runs/${adminOnly.id}/cancel`, payload: {} });
  });

  it('"cancel it" cancels the run the conversation is about, and only that one', async () => {
    // Nothing about a run said yet (the admin's own conversation): which run is asked.
    expect(await chat('admin', 'cancel it')).toMatchObject({ kind: 'error', code: 'E_BAD_REQUEST', text: expect.stringContaining('Say which run to cancel by its number') });
    const asked = await chat('admin', 'run the restart runbook service=web');
    const requested = await chat('admin', 'run the restart runbook service=web', token(asked));
    const runId = Number(/^run: (\d+)$/.exec(requested.kind === 'text' ? requested.lines[0]! : '')?.[1]);
    expect(runId).toBeGreaterThan(0);
    const cancel = await chat('admin', 'cancel it');
    expect(cancel).toMatchObject({ kind: 'confirmation', intent: 'runbook.cancel', text: expect.stringContaining(`Cancel run #${runId} of Restart the web service`) });
    expect(await chat('admin', 'cancel it', token(cancel))).toMatchObject({ kind: 'text', title: `Run #${runId} cancelled` });
    // A card of another command waiting for its confirmation is what "it" is then: nothing is cancelled.
    const silence = await chat('admin', 'silence alertname=Foo for 1h');
    expect(silence.kind).toBe('confirmation');
    expect(await chat('admin', 'cancel it')).toMatchObject({ kind: 'error', code: 'E_BAD_REQUEST', text: expect.stringContaining('Nothing is done until it is confirmed') });
  });
});
