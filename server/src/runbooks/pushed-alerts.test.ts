import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { actAs, type Who } from '../testing/act-as.ts';

const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'rejected', 'interrupted', 'expired'];

/**
 * An alert pushed through `POST /alerts` by a person or an API key is theirs: the run its
 * trigger proposes is recorded as requested by them, so they cannot approve it alone (four
 * eyes, as for a run they asked for), and an auto-mode trigger runs it at once only when
 * they could have run it themselves (the runbook's `safety.role` and `runbooks:run`);
 * otherwise the run waits for the approval of someone else.
 */
describe('runbook triggers on alerts pushed by a person or a key', () => {
  let server: TestServer;
  let dir: string;

  const acting = actAs(() => server);
  const as = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) => acting.as<Run>(who, method, url, payload);
  const { apiKey } = acting;
  const push = async (who: Who, labels: Record<string, string>) => expect((await as(who, 'POST', '/alerts', { alerts: [{ status: 'firing', labels }] })).status).toBe(200);
  /** The run a trigger made for this target (each test uses a target of its own). */
  const runFor = async (runbook: string, target: string) =>
    (await eventually(async () => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/runbook-runs?runbook=${runbook}` })).json() as { runs: Run[] }).runs, (runs) => runs.some((run) => run.target === target))).find((run) => run.target === target)!;
  const finished = (id: number) => eventually(async () => (await as('viewer', 'GET', `/runbook-runs/${id}`)).body, (run) => FINAL.includes(run.state));
  const auditOf = async (runId: number) =>
    ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string; outcome: string; actor: string }> }).entries.map((e) => `${e.action}:${e.outcome}:${e.actor}`);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-pushed-'));
    const runbook = (id: string, alertname: string, safety: string) =>
      fs.writeFileSync(path.join(dir, `${id}.yaml`), `id: ${id}\ntitle: ${id}\ntarget: "{{labels.service}}"\ntriggers:\n  - match: { alertname: ${alertname} }\nsteps: [{ name: pause, wait: 1ms }]\nsafety: ${safety}\n`);
    runbook('restart', 'PushedDown', '{ mode: approve, approvers: 1, maxRunsPerHour: 100 }');
    runbook('auto-admin', 'PushedAdmin', '{ mode: auto, approvers: 0, role: admin, maxRunsPerHour: 100 }');
    runbook('auto-ops', 'PushedOps', '{ mode: auto, approvers: 0, role: operator, maxRunsPerHour: 100 }');
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an operator who pushed the alert cannot approve the run it proposed, by session or by key; someone else can', async () => {
    await push('operator', { alertname: 'PushedDown', service: 'web-1' });
    const run = await runFor('restart', 'web-1');
    expect(run).toMatchObject({ state: 'pending_approval', trigger: 'alert', requestedBy: 'test-operator', requestedByKind: 'user' });
    const self = await as('operator', 'POST', `/runbook-runs/${run.id}/approve`, {});
    expect(self.status).toBe(403);
    const ownKey = await apiKey('operator', { name: 'operator-approver', role: 'operator' });
    expect((await as(ownKey, 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(403);
    expect((await as('viewer', 'GET', `/runbook-runs/${run.id}`)).body).toMatchObject({ state: 'pending_approval', approvals: [] });
    expect(await auditOf(run.id)).toEqual(expect.arrayContaining(['runbook.run.request:success:test-operator', 'runbook.run.approve:denied:test-operator']));
    expect((await as('admin', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(200);
    expect((await finished(run.id)).state).toBe('succeeded');
  });

  it("a key scoped to alerts:write alone proposes as that key, and the key's owner cannot approve", async () => {
    const pusher = await apiKey('operator', { name: 'alert-script', role: 'operator', scopes: ['alerts:write'] });
    await push(pusher, { alertname: 'PushedDown', service: 'web-2' });
    const run = await runFor('restart', 'web-2');
    expect(run).toMatchObject({ state: 'pending_approval', requestedBy: 'alert-script', requestedByKind: 'apiKey' });
    expect((await as('operator', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(403);
    expect((await as('viewer', 'GET', `/runbook-runs/${run.id}`)).body.approvals).toEqual([]);
  });

  it("an auto trigger does not run at once for a pusher without the runbook's role: it waits for an approval, audited", async () => {
    await push('operator', { alertname: 'PushedAdmin', service: 'db-1' });
    const run = await runFor('auto-admin', 'db-1');
    expect(run).toMatchObject({ state: 'pending_approval', approvalsRequired: 1, requestedBy: 'test-operator', startedAt: null });
    expect(await auditOf(run.id)).toContain('runbook.trigger.approval_required:denied:test-operator');
    expect((await as('operator', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(403);
    expect((await as('admin', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(200);
    expect((await finished(run.id)).state).toBe('succeeded');
  });

  it('an auto trigger does not run at once for a key that may not run runbooks, whatever its role', async () => {
    const pusher = await apiKey('admin', { name: 'admin-alert-script', role: 'admin', scopes: ['alerts:write'] });
    await push(pusher, { alertname: 'PushedOps', service: 'db-2' });
    const run = await runFor('auto-ops', 'db-2');
    expect(run).toMatchObject({ state: 'pending_approval', approvalsRequired: 1, requestedBy: 'admin-alert-script', requestedByKind: 'apiKey' });
    expect(await auditOf(run.id)).toContain('runbook.trigger.approval_required:denied:admin-alert-script');
  });

  it('an auto trigger runs at once for a pusher who could have run it, recorded as theirs', async () => {
    await push('admin', { alertname: 'PushedAdmin', service: 'db-3' });
    const run = await finished((await runFor('auto-admin', 'db-3')).id);
    expect(run).toMatchObject({ state: 'succeeded', approvalsRequired: 0, requestedBy: 'admin', requestedByKind: 'user', trigger: 'alert' });
  });

  /** Alertmanager's webhook, as it posts it, with an API key. */
  const receive = async (key: { key: string }, labels: Record<string, string>) => {
    const payload = { version: '4', status: 'firing', receiver: 'sco', alerts: [{ status: 'firing', labels, annotations: {}, startsAt: new Date().toISOString() }] };
    expect((await as(key, 'POST', '/integrations/alertmanager', payload)).status).toBe(200);
  };

  it("the Alertmanager receiver's alerts are the key's: an operator's alerts:write key proposes as itself, and its owner cannot approve", async () => {
    const receiver = await apiKey('operator', { name: 'am-operator', role: 'operator', scopes: ['alerts:write'] });
    await receive(receiver, { alertname: 'PushedDown', service: 'am-1' });
    const run = await runFor('restart', 'am-1');
    expect(run).toMatchObject({ state: 'pending_approval', requestedBy: 'am-operator', requestedByKind: 'apiKey' });
    expect((await as('operator', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(403);
    expect((await as('viewer', 'GET', `/runbook-runs/${run.id}`)).body.approvals).toEqual([]);
    expect((await as('admin', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(200);
  });

  it("an auto trigger on a receiver's alert waits for an approval when the key may not run the runbook (safety.role, runbooks:run)", async () => {
    const operatorKey = await apiKey('operator', { name: 'am-operator-2', role: 'operator' });
    await receive(operatorKey, { alertname: 'PushedAdmin', service: 'am-2' });
    const byRole = await runFor('auto-admin', 'am-2');
    expect(byRole).toMatchObject({ state: 'pending_approval', approvalsRequired: 1, requestedBy: 'am-operator-2', startedAt: null });
    expect(await auditOf(byRole.id)).toContain('runbook.trigger.approval_required:denied:am-operator-2');

    const adminKey = await apiKey('admin', { name: 'am-admin-scoped', role: 'admin', scopes: ['alerts:write'] });
    await receive(adminKey, { alertname: 'PushedOps', service: 'am-3' });
    const byScope = await runFor('auto-ops', 'am-3');
    expect(byScope).toMatchObject({ state: 'pending_approval', approvalsRequired: 1, requestedBy: 'am-admin-scoped' });

    const fullAdminKey = await apiKey('admin', { name: 'am-admin', role: 'admin' });
    await receive(fullAdminKey, { alertname: 'PushedAdmin', service: 'am-4' });
    expect(await finished((await runFor('auto-admin', 'am-4')).id)).toMatchObject({ state: 'succeeded', approvalsRequired: 0, requestedBy: 'am-admin', requestedByKind: 'apiKey' });
  });

  it("alerts from the server's own sources still propose as the system", async () => {
    await server.app.alerts.service.ingest([{ source: 'rule', status: 'firing', labels: { alertname: 'PushedDown', service: 'web-3' } }]);
    const run = await runFor('restart', 'web-3');
    expect(run).toMatchObject({ state: 'pending_approval', requestedByKind: 'system', requestedBy: 'trigger:PushedDown' });
    expect((await as('operator', 'POST', `/runbook-runs/${run.id}/approve`, {})).status).toBe(200);
  });
});
