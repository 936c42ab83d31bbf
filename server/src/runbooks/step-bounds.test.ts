import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { useRunbookServer } from './testing/runbook-server.ts';
import type { Requester } from './service.ts';
import { alive, pidsIn } from './testing/processes.ts';

const FAMILY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'family.fixture.js');
const NODE = JSON.stringify(process.execPath);
const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'rejected', 'interrupted', 'expired'];
const LIMIT = 1024;
const oncall: Requester = { actor: { name: 'oncall', kind: 'user' }, userId: 401, role: 'admin' };

const hangRunbook = (timeout: string) => `id: hang
title: A step with a family that never ends
params: { pidFile: { type: string } }
steps:
  - name: hang
    run: [${NODE}, ${JSON.stringify(FAMILY)}, "{{params.pidFile}}"]
    timeout: ${timeout}
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`;
const LOUD = `id: loud
title: Prints more than the limit, in two-byte characters
steps:
  - name: loud
    run: [${NODE}, -e, "process.stdout.write('x' + 'é'.repeat(100000))"]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`;

const auditOf = async (server: TestServer, runId: number) =>
  ((await server.injectAs('admin', { method: 'GET', url: `/api/v1/audit?target=runbook-run:${runId}` })).json() as { entries: Array<{ action: string }> }).entries.map((e) => e.action);

/** A `run` step's bounds (docs/runbooks.md, Executors): its timeout, its output limit, and a shutdown in the middle of it. */
describe('a run step held to its bounds', () => {
  const fixture = useRunbookServer(() => ({ 'hang.yaml': hangRunbook('10s'), 'loud.yaml': LOUD }), { outputLimitBytes: LIMIT });

  it('a timeout kills the step and its children, keeps the output, and the run ends failed on record', async () => {
    const { server, dir } = fixture;
    const pidFile = path.join(dir, 'timeout.pids');
    const run = await server.app.runbooks.service.request('hang', { params: { pidFile } }, oncall);
    const [pid, childPid] = await pidsIn(pidFile);
    const ended = await eventually(() => server.app.runbooks.service.run(run.id), (r) => FINAL.includes(r.state), 60_000);
    expect(ended).toMatchObject({ state: 'failed', reason: expect.stringContaining('timed out after 10000 ms') });
    expect(ended.steps[0]).toMatchObject({ state: 'failed', error: 'timed out after 10000 ms', output: 'family started\n' });
    await eventually(() => [alive(pid), alive(childPid)], (both) => both.every((a) => !a));
    expect(await eventually(() => auditOf(server, run.id), (actions) => actions.includes('runbook.run.failed'))).toEqual(expect.arrayContaining(['runbook.run.request', 'runbook.run.started', 'runbook.run.failed']));
  });

  it('output past the limit is cut to at most the limit in bytes, on a character boundary', async () => {
    const { server } = fixture;
    const run = await server.app.runbooks.service.request('loud', {}, oncall);
    const ended = await eventually(() => server.app.runbooks.service.run(run.id), (r) => FINAL.includes(r.state), 60_000);
    const [step] = ended.steps;
    expect(step).toMatchObject({ state: 'succeeded', truncated: true });
    expect(Buffer.byteLength(step!.output)).toBeLessThanOrEqual(LIMIT);
    expect(step!.output).toMatch(/^xé+$/);
  });
});

describe('a server stopped in the middle of a step, with a run waiting for approval', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-shutdown-'));
  const runbooks = path.join(work, 'runbooks');
  const dataDir = path.join(work, 'data');
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('stops the step and its children, keeps its output, and records the run interrupted', async () => {
    fs.mkdirSync(runbooks);
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(runbooks, 'hang.yaml'), hangRunbook('10m'));
    fs.writeFileSync(path.join(runbooks, 'gated.yaml'), 'id: gated\ntitle: Gated\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, maxRunsPerHour: 100 }\n');
    const options = { dataDir, runbooks: { dir: runbooks, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } };
    const first = await startTestServer(options);
    const pidFile = path.join(work, 'shutdown.pids');
    const waiting = await first.app.runbooks.service.request('gated', {}, oncall);
    const run = await first.app.runbooks.service.request('hang', { params: { pidFile } }, oncall);
    const [pid, childPid] = await pidsIn(pidFile);
    // A normal shutdown (not server.close(), which also removes the data folder).
    await first.app.close();
    // Killed (SIGKILL is asynchronous: gone once the kernel has reaped them).
    await eventually(() => [alive(pid), alive(childPid)], (both) => both.every((a) => !a));
    const second = await startTestServer(options);
    servers.push(second);
    const after = await second.app.runbooks.service.run(run.id);
    expect(after).toMatchObject({ state: 'interrupted', reason: 'server_shutdown' });
    expect(after.steps[0]).toMatchObject({ state: 'failed', error: 'interrupted', output: 'family started\n' });
    expect(await auditOf(second, run.id)).toEqual(expect.arrayContaining(['runbook.run.started', 'runbook.run.interrupted']));
    // A run waiting for approval still waits after the restart, and another person's approval runs it.
    expect(await second.app.runbooks.service.run(waiting.id)).toMatchObject({ state: 'pending_approval' });
    await second.app.runbooks.service.approve(waiting.id, { actor: { name: 'second', kind: 'user' }, userId: 402, role: 'admin' }, null);
    expect(await eventually(() => second.app.runbooks.service.run(waiting.id), (r) => FINAL.includes(r.state))).toMatchObject({ state: 'succeeded' });
  });
});
