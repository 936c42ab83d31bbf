import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import { RunbookChatGateway } from './chat-gateway.ts';

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
});
