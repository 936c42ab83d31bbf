import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import type { TestServer } from '../testing/test-server.ts';
import type { LedgerRecord } from './executors/process-ledger.ts';
import { useRunbookServer } from './testing/runbook-server.ts';
import type { Requester } from './service.ts';
import { alive, pidsIn } from './testing/processes.ts';

const FAMILY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'family.fixture.js');
const NODE = JSON.stringify(process.execPath);
const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'rejected', 'interrupted', 'expired', 'cancelled'];
const oncall: Requester = { actor: { name: 'oncall', kind: 'user' }, userId: 501, role: 'admin' };

// A long first step (a script with a child of its own), a second step and a rollback that
// must never run after a cancel.
const LONG = `id: long
title: A long remediation
params: { pidFile: { type: string } }
steps:
  - name: long
    run: [${NODE}, ${JSON.stringify(FAMILY)}, "{{params.pidFile}}"]
    timeout: 10m
  - name: after
    run: [/usr/bin/true]
rollback:
  - name: undo
    run: [/usr/bin/true]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`;
const SLEEP = `id: sleepy
title: Sleeps a minute
steps:
  - name: sleep
    run: [/usr/bin/sleep, "60"]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`;
const GATED = `id: gated
title: Needs an approval
steps: [{ name: pause, wait: 1ms }]
safety: { mode: approve, approvers: 1, maxRunsPerHour: 100, concurrency: 10 }
`;
const ADMIN_ONLY = `id: admin-only
title: Admins only
steps: [{ name: pause, wait: 1ms }]
safety: { mode: approve, role: admin, approvers: 1, maxRunsPerHour: 100, concurrency: 10 }
`;

/** The pid of a run's step process, from the process ledger the server keeps while a step runs (executors/process-ledger.ts). */
const stepPid = (server: TestServer, runId: number) => {
  const dir = server.app.runbooks.settings.processDir;
  const records = fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as LedgerRecord) : [];
  return records.find((record) => record.runId === runId)?.pid;
};
const auditOf = async (server: TestServer, runId: number) =>
  ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string; actor: string; details: Record<string, unknown> }> }).entries;
const cancel = (server: TestServer, role: 'admin' | 'operator' | 'viewer', runId: number, reason?: string) =>
  server.injectAs(role, { method: 'POST', url: `/api/v1/runbook-runs/${runId}/cancel`, payload: reason === undefined ? {} : { reason } });

/** `POST /runbook-runs/:id/cancel` (docs/runbooks.md, Runs and their states). */
describe('cancelling a runbook run', () => {
  const fixture = useRunbookServer(() => ({ 'long.yaml': LONG, 'sleepy.yaml': SLEEP, 'gated.yaml': GATED, 'admin-only.yaml': ADMIN_ONLY }));

  it('a running run: its step and the step’s children are stopped, output kept, no further step nor rollback, ends cancelled on record', async () => {
    const { server, dir } = fixture;
    const pidFile = path.join(dir, 'cancel.pids');
    const run = await server.app.runbooks.service.request('long', { params: { pidFile } }, oncall);
    const [pid, childPid] = await pidsIn(pidFile);
    const answer = await cancel(server, 'operator', run.id, 'it is making things worse');
    expect(answer.statusCode).toBe(200);
    const ended = await eventually(() => server.app.runbooks.service.run(run.id), (r) => FINAL.includes(r.state));
    expect(ended).toMatchObject({ state: 'cancelled', reason: expect.stringContaining('it is making things worse') });
    expect(ended.steps).toHaveLength(1);
    expect(ended.steps[0]).toMatchObject({ name: 'long', state: 'interrupted', error: expect.stringContaining('cancelled'), output: 'family started\n' });
    await eventually(() => [alive(pid), alive(childPid)], (both) => both.every((a) => !a));
    const actions = (await eventually(() => auditOf(server, run.id), (entries) => entries.some((e) => e.action === 'runbook.run.cancelled'))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['runbook.run.started', 'runbook.run.cancel', 'runbook.run.cancelled']));
  });

  it('a run of /usr/bin/sleep 60 is gone after the cancel', async () => {
    const { server } = fixture;
    const run = await server.app.runbooks.service.request('sleepy', {}, oncall);
    const pid = (await eventually(() => stepPid(server, run.id), (found) => found !== undefined))!;
    expect(alive(pid)).toBe(true);
    expect((await cancel(server, 'admin', run.id)).statusCode).toBe(200);
    const ended = await eventually(() => server.app.runbooks.service.run(run.id), (r) => FINAL.includes(r.state));
    expect(ended.state).toBe('cancelled');
    expect(ended.steps[0]).toMatchObject({ state: 'interrupted', exitCode: null });
    expect(server.app.runbooks.runner.inFlight).toBe(0);
    await eventually(() => alive(pid), (running) => !running);
  });

  it('a run waiting for approval ends at once, audited and on record; it can no longer be approved', async () => {
    const { server } = fixture;
    const run = await server.app.runbooks.service.request('gated', {}, oncall);
    const answer = await cancel(server, 'operator', run.id, 'not needed');
    expect(answer.statusCode).toBe(200);
    expect(answer.json<Run>()).toMatchObject({ state: 'cancelled', reason: expect.stringContaining('not needed') });
    expect(answer.json<Run>().finishedAt).not.toBeNull();
    const entry = (await auditOf(server, run.id)).find((e) => e.action === 'runbook.run.cancel');
    expect(entry).toMatchObject({ actor: expect.stringContaining('operator'), details: expect.objectContaining({ from: 'pending_approval', reason: 'not needed' }) });
    const approve = await server.injectAs('admin', { method: 'POST', url: `/api/v1/runbook-runs/${run.id}/approve`, payload: {} });
    expect(approve.statusCode).toBe(409);
  });

  it('a queued run (claimed by a replica that has not started it yet) ends at once and is never started', async () => {
    const { server } = fixture;
    const { store } = server.app.runbooks;
    const model = await server.app.runbooks.service.request('gated', {}, oncall);
    const stored = (await store.byId(model.id))!;
    const now = Date.now();
    const queued = await store.insert({ ...stored, state: 'queued', reason: null, approvalsRequired: 0 }, now, now + 60_000);
    const answer = await cancel(server, 'operator', queued.id);
    expect(answer.statusCode).toBe(200);
    expect(answer.json<Run>().state).toBe('cancelled');
    // Its claim lapsing later must not start it: only a queued run is ever claimed.
    expect(await store.claim(queued.id, now + 120_000, now + 180_000)).toBe(false);
    expect((await server.app.runbooks.service.run(queued.id)).startedAt).toBeNull();
  });

  it('a run already final is a 409 with a clear message', async () => {
    const { server } = fixture;
    const run = await server.app.runbooks.service.request('gated', {}, oncall);
    await server.app.runbooks.service.reject(run.id, { actor: { name: 'bob', kind: 'user' }, userId: 502, role: 'admin' }, null);
    const answer = await cancel(server, 'operator', run.id);
    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toMatchObject({ error: { code: 'E_CONFLICT', message: expect.stringMatching(/already rejected; there is nothing to cancel/), details: { state: 'rejected' } } });
  });

  it('a viewer is refused (403); so is an operator for a runbook of safety.role admin, audited', async () => {
    const { server } = fixture;
    const run = await server.app.runbooks.service.request('admin-only', {}, oncall);
    expect((await cancel(server, 'viewer', run.id)).statusCode).toBe(403);
    const operator = await cancel(server, 'operator', run.id);
    expect(operator.statusCode).toBe(403);
    expect((await auditOf(server, run.id)).find((e) => e.action === 'runbook.run.cancel')).toMatchObject({ details: expect.objectContaining({ reason: 'role', needs: 'admin' }) });
    expect((await server.app.runbooks.service.run(run.id)).state).toBe('pending_approval');
    expect((await cancel(server, 'admin', run.id)).statusCode).toBe(200);
  });

  it('the cancel is on the incident’s timeline', async () => {
    const { server } = fixture;
    const [firing] = await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'WebDown', service: 'web' } }]);
    const incidentId = firing!.alert.incidentId!;
    const run = await server.app.runbooks.service.request('gated', { incidentId }, oncall);
    expect((await cancel(server, 'operator', run.id, 'false alarm')).statusCode).toBe(200);
    const timeline = (await server.injectAs('admin', { method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline` })).json<Array<{ kind: string; text: string }>>();
    expect(timeline.filter((e) => e.kind === 'runbook_run').map((e) => e.text)).toEqual(expect.arrayContaining([expect.stringMatching(/run #\d+ cancelled by .*: false alarm/)]));

    // A running run: the request, then its end once the step is stopped.
    const running = await server.app.runbooks.service.request('sleepy', { incidentId }, oncall);
    await eventually(() => stepPid(server, running.id), (found) => found !== undefined);
    expect((await cancel(server, 'operator', running.id, 'stop it')).statusCode).toBe(200);
    const texts = await eventually(
      async () => (await server.injectAs('admin', { method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline` })).json<Array<{ kind: string; text: string }>>().filter((e) => e.kind === 'runbook_run').map((e) => e.text),
      (all) => all.some((text) => text.startsWith(`Runbook "Sleeps a minute" run #${running.id} cancelled`)),
    );
    expect(texts).toEqual(expect.arrayContaining([
      `Cancel of runbook run #${running.id} asked by test-operator: stop it; its current step is being stopped`,
      `Runbook "Sleeps a minute" run #${running.id} cancelled by test-operator: stop it`,
    ]));
  });
});
