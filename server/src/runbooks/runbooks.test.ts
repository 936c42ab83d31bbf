import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan, Run, RunbookList } from '../../../shared/api/runbooks.ts';
import type { TimelineEntry } from '../../../shared/api/incidents.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';
import type { Role } from '../../../shared/auth/permissions.ts';

const ECHO_ARGV = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'echo-argv.fixture.js');
const NODE = process.execPath;
const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'rejected', 'interrupted', 'expired'];

describe('runbooks API', () => {
  let server: TestServer;
  let dir: string;

  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
  const call = async <T>(role: Role, method: 'GET' | 'POST', url: string, payload?: object): Promise<{ status: number; body: T }> => {
    const response = await server.injectAs(role, { method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() as T };
  };
  const finished = (id: number) => eventually(async () => (await call<Run>('viewer', 'GET', `/runbook-runs/${id}`)).body, (run) => FINAL.includes(run.state));
  const listed = (id: string) => eventually(async () => (await call<RunbookList>('viewer', 'GET', '/runbooks')).body, (list) => list.runbooks.some((r) => r.id === id));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbooks-'));
    write('echo.yaml', `id: echo
title: Echo the argument
params:
  value: { type: string, maxLength: 200 }
steps:
  - name: echo
    run: [${JSON.stringify(NODE)}, ${JSON.stringify(ECHO_ARGV)}, "{{params.value}}"]
    timeout: 20s
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 5 }
`);
    write('bad.yaml', 'id: broken\ntitle: Broken\nsteps:\n  - name: a\n    run: "echo this is a shell string"\n');
    server = await startTestServer({ runbooks: { dir, reloadDebounceMs: 50, verifyIntervalMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists valid runbooks and invalid files with their line; the rest keeps working', async () => {
    const { body } = await call<RunbookList>('viewer', 'GET', '/runbooks');
    expect(body.runbooks.map((r) => r.id)).toContain('echo');
    expect(body.invalid).toEqual([{ file: 'bad.yaml', line: 5, message: expect.stringMatching(/\/steps\/0\/run/) }]);
    expect((await call('viewer', 'GET', '/runbooks/nope')).status).toBe(404);
    // Fixing the file is picked up by the watcher.
    write('bad.yaml', 'id: broken\ntitle: Broken\nsteps:\n  - name: a\n    run: [/bin/true]\n');
    const fixed = await eventually(async () => (await call<RunbookList>('viewer', 'GET', '/runbooks')).body, (list) => list.invalid.length === 0);
    expect(fixed.runbooks.map((r) => r.id)).toEqual(['broken', 'echo']);
  });

  it.each(['; rm -rf /', '$(id)', 'first line\nsecond line', '`id` && echo pwned', "it's \"quoted\""])('passes %j as one literal argument to a real process, with a clean environment', async (value) => {
    const created = await call<Run>('operator', 'POST', '/runbooks/echo/runs', { params: { value } });
    expect(created.status).toBe(201);
    const run = await finished(created.body.id);
    expect(run.state).toBe('succeeded');
    const printed = JSON.parse(run.steps[0]!.output) as { argv: string[]; env: string[] };
    expect(printed.argv).toEqual([value]);
    expect(printed.env).toEqual(['LANG', 'PATH', 'SMARTCLOUDOPS_RUN_ID']);
    expect(run.steps[0]).toMatchObject({ state: 'succeeded', exitCode: 0 });
  });

  it('refuses parameters that do not match the schema (400) and a stale plan hash (409)', async () => {
    const tooLong = await call<{ error: { code: string } }>('operator', 'POST', '/runbooks/echo/runs', { params: { value: 'x'.repeat(201) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('E_VALIDATION');
    expect((await call('operator', 'POST', '/runbooks/echo/runs', { params: {} })).status).toBe(400);
    expect((await call('operator', 'POST', '/runbooks/echo/runs', { params: { value: 'a', other: 'b' } })).status).toBe(400);
    expect((await call('viewer', 'POST', '/runbooks/echo/runs', { params: { value: 'a' } })).status).toBe(403);
    const stale = await call('operator', 'POST', '/runbooks/echo/runs', { params: { value: 'a' }, planHash: '0'.repeat(64) });
    expect(stale.status).toBe(409);
  });

  it('plans without executing, and a dry run checks each step without running it', async () => {
    const plan = await call<Plan>('viewer', 'POST', '/runbooks/echo/plan', { params: { value: 'x y' } });
    expect(plan.status).toBe(200);
    expect(plan.body.steps[0]!.argv).toEqual([NODE, ECHO_ARGV, 'x y']);
    expect(plan.body.state.blockedBy).toBeNull();
    const dry = await call<Run>('operator', 'POST', '/runbooks/echo/runs', { params: { value: 'x y' }, dryRun: true });
    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ dryRun: true, state: 'succeeded' });
    expect(dry.body.steps[0]!.output).toContain('would run');
  });

  it('approval: self-approval is refused, another user approves, the cooldown then blocks a second run', async () => {
    write('approve.yaml', `id: approved-echo
title: Approved echo
params:
  value: { type: string }
steps:
  - name: echo
    run: [${JSON.stringify(NODE)}, ${JSON.stringify(ECHO_ARGV)}, "{{params.value}}"]
safety: { mode: approve, approvers: 1, cooldown: 10m }
`);
    await listed('approved-echo');
    const requested = await call<Run>('operator', 'POST', '/runbooks/approved-echo/runs', { params: { value: 'one' } });
    expect(requested.body.state).toBe('pending_approval');
    const self = await call<{ error: { code: string } }>('operator', 'POST', `/runbook-runs/${requested.body.id}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('E_FORBIDDEN');
    const approved = await call<Run>('admin', 'POST', `/runbook-runs/${requested.body.id}/approve`, { comment: 'go' });
    expect(approved.status).toBe(200);
    const done = await finished(requested.body.id);
    expect(done.state).toBe('succeeded');
    expect(done.approvals).toMatchObject([{ user: 'admin', decision: 'approve', comment: 'go', void: false, planHash: done.planHash }]);

    const second = await call<Run>('operator', 'POST', '/runbooks/approved-echo/runs', { params: { value: 'one' } });
    expect(second.body).toMatchObject({ state: 'blocked', reason: 'cooldown' });
    // Another target (other parameter values) has its own cooldown.
    const other = await call<Run>('operator', 'POST', '/runbooks/approved-echo/runs', { params: { value: 'two' } });
    expect(other.body.state).toBe('pending_approval');
    const rejected = await call<Run>('admin', 'POST', `/runbook-runs/${other.body.id}/reject`, { comment: 'not now' });
    expect(rejected.body.state).toBe('rejected');
    expect((await call('admin', 'POST', `/runbook-runs/${other.body.id}/approve`, {})).status).toBe(409);

    const audit = (await server.injectAs('admin', { method: 'GET', url: '/api/v1/audit?limit=200' })).json().entries as Array<{ action: string; outcome: string }>;
    const actions = audit.map((entry) => `${entry.action}:${entry.outcome}`);
    for (const expected of ['runbook.run.request:success', 'runbook.run.approve:denied', 'runbook.run.approve:success', 'runbook.run.started:success', 'runbook.run.succeeded:success', 'runbook.run.blocked:denied', 'runbook.run.reject:success']) {
      expect(actions).toContain(expected);
    }
    // The approved run's whole life, in order, each with who did it.
    const life = audit.filter((entry) => (entry as { target?: string }).target === `runbook-run:${requested.body.id}`).map((entry) => `${entry.action}:${(entry as { actor?: string }).actor}`).reverse();
    expect(life).toEqual(['runbook.run.request:test-operator', 'runbook.run.approve:test-operator', 'runbook.run.approve:admin', 'runbook.run.started:system', 'runbook.run.succeeded:system']);
  });

  it('an approval binds to the plan hash: after a file change it is void and the run is pending again', async () => {
    const write1 = (arg: string) => write('bound.yaml', `id: bound
title: Bound
steps:
  - name: echo
    run: [${JSON.stringify(NODE)}, ${JSON.stringify(ECHO_ARGV)}, ${JSON.stringify(arg)}]
safety: { mode: approve, approvers: 2 }
`);
    write1('before');
    await listed('bound');
    const requested = await call<Run>('operator', 'POST', '/runbooks/bound/runs', {});
    const firstApproval = await call<Run>('admin', 'POST', `/runbook-runs/${requested.body.id}/approve`, {});
    expect(firstApproval.body.state).toBe('pending_approval');
    write1('after');
    await eventually(async () => (await call<Plan>('viewer', 'POST', '/runbooks/bound/plan', {})).body, (plan) => plan.steps[0]!.argv!.includes('after'));
    const changed = await call<{ error: { code: string } }>('viewer', 'POST', `/runbook-runs/${requested.body.id}/approve`, {});
    expect(changed.status).toBe(403); // a viewer may not approve at all
    const stale = await call<{ error: { code: string } }>('admin', 'POST', `/runbook-runs/${requested.body.id}/approve`, {});
    expect(stale.status).toBe(409);
    const after = (await call<Run>('viewer', 'GET', `/runbook-runs/${requested.body.id}`)).body;
    expect(after.state).toBe('pending_approval');
    expect(after.reason).toBe('plan_changed');
    expect(after.planHash).not.toBe(requested.body.planHash);
    expect(after.approvals.map((a) => a.void)).toEqual([true]);
    expect(after.plan.steps[0]!.argv).toContain('after');
  });

  it('the breaker opens after repeated failures and the hourly budget blocks further runs', async () => {
    write('flaky.yaml', `id: flaky
title: Always fails
steps:
  - name: fail
    run: [${JSON.stringify(NODE)}, -e, "process.exit(3)"]
safety: { mode: manual, approvers: 0, concurrency: 5 }
`);
    write('budget.yaml', `id: budget
title: Limited
steps: [{ name: pause, wait: 1ms }]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 2 }
`);
    await listed('flaky');
    await listed('budget');
    for (let i = 0; i < 3; i++) {
      const run = await call<Run>('operator', 'POST', '/runbooks/flaky/runs', {});
      const done = await finished(run.body.id);
      expect(done).toMatchObject({ state: 'failed', reason: expect.stringContaining('exited with 3') });
      expect(done.steps[0]!.exitCode).toBe(3);
    }
    const plan = await call<Plan>('viewer', 'POST', '/runbooks/flaky/plan', {});
    expect(plan.body.state.breaker).toMatchObject({ state: 'open', failures: 3, threshold: 3 });
    const refused = await call<Run>('operator', 'POST', '/runbooks/flaky/runs', {});
    expect(refused.body).toMatchObject({ state: 'blocked', reason: 'breaker_open' });

    for (let i = 0; i < 2; i++) expect((await finished((await call<Run>('operator', 'POST', '/runbooks/budget/runs', {})).body.id)).state).toBe('succeeded');
    const third = await call<Run>('operator', 'POST', '/runbooks/budget/runs', {});
    expect(third.body).toMatchObject({ state: 'blocked', reason: 'max_runs_per_hour' });
  });

  it('an alert trigger proposes one run on the incident, an alert storm adds none, and it is all on the timeline', async () => {
    write('triggered.yaml', `id: triggered
title: Triggered fix
params:
  service: { type: string, enum: [web, api] }
target: "{{params.service}}"
triggers:
  - match: { alertname: ServiceDown }
    params: { service: "{{labels.service}}" }
steps:
  - name: note
    note: { text: "restarting {{params.service}}" }
safety: { mode: approve, approvers: 1 }
`);
    await listed('triggered');
    const ingest = (pod: string) => server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels: { alertname: 'ServiceDown', service: 'web', pod } }]);
    const [first] = await ingest('web-1');
    const incidentId = first!.alert.incidentId!;
    const proposed = await eventually(async () => (await call<{ runs: Run[] }>('viewer', 'GET', '/runbook-runs?runbook=triggered')).body.runs, (runs) => runs.length === 1);
    expect(proposed[0]).toMatchObject({ state: 'pending_approval', trigger: 'alert', incidentId, params: { service: 'web' }, target: 'web' });
    for (let i = 2; i < 8; i++) await ingest(`web-${i}`);
    const suggestions = (await call<{ suggestions: Array<{ runbook: { id: string }; params: object }> }>('viewer', 'GET', `/runbook-suggestions?incidentId=${incidentId}`)).body.suggestions;
    expect(suggestions.map((s) => [s.runbook.id, s.params])).toEqual([['triggered', { service: 'web' }]]);
    // Storm handled (each alert got its chance) and still one proposal.
    await eventually(async () => (await call<TimelineEntry[]>('viewer', 'GET', `/incidents/${incidentId}/timeline`)).body, (entries) => entries.filter((e) => e.kind === 'alert_firing').length === 7);
    expect((await call<{ runs: Run[] }>('viewer', 'GET', '/runbook-runs?runbook=triggered')).body.runs).toHaveLength(1);

    await call<Run>('operator', 'POST', `/runbook-runs/${proposed[0]!.id}/approve`, {});
    expect((await finished(proposed[0]!.id)).state).toBe('succeeded');
    // The run's final state is stored first and its timeline entry written after it
    // (RunbookService.finished): wait for the entry rather than read the timeline once.
    const timeline = await eventually(
      async () => (await call<TimelineEntry[]>('viewer', 'GET', `/incidents/${incidentId}/timeline`)).body,
      (entries) => entries.some((e) => e.kind === 'runbook_run' && e.text.includes('succeeded')),
    );
    const texts = timeline.filter((e) => e.kind === 'runbook_run').map((e) => e.text);
    expect(texts).toEqual([
      expect.stringContaining('proposed'),
      expect.stringContaining('approved by test-operator'),
      expect.stringContaining('started'),
      expect.stringContaining('succeeded'),
    ]);
    expect(timeline.some((e) => e.kind === 'note' && e.text === 'restarting web')).toBe(true);
  });
});
