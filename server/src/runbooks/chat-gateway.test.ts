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
    const list = await eventually(() => chat('viewer', 'what runbooks are there'), (card) => card.kind === 'table' && card.rows.length === 1);
    expect(list).toMatchObject({ kind: 'table', intent: 'runbooks.list', title: '1 runbook', columns: ['runbook', 'what it does', 'parameters'], rows: [['restart-web', 'Restart the web service', 'service']] });
    expect(list.text).toBe('Run one with e.g. "run restart-web service=…".');
    expect(await chat('viewer', 'runbooks for restart')).toMatchObject({ kind: 'table', rows: [['restart-web', 'Restart the web service', 'service']] });
    expect(await chat('viewer', 'runbooks about disk')).toMatchObject({ kind: 'table', title: '0 runbooks about "disk"', text: 'No runbooks about "disk"; "list runbooks" shows all 1.', rows: [] });
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
});
