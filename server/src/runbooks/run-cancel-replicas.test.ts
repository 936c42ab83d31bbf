import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { LedgerRecord } from './executors/process-ledger.ts';
import type { Requester } from './service.ts';
import { alive } from './testing/processes.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres runbook cancel across replicas tests skipped] ${unavailable}`);

const SLEEP = `id: sleepy
title: Sleeps a minute, then would do more
steps:
  - name: sleep
    run: [/usr/bin/sleep, "60"]
  - name: after
    run: [/usr/bin/true]
safety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 10 }
`;
const oncall: Requester = { actor: { name: 'oncall', kind: 'user' }, userId: 601, role: 'admin' };

/** The pid of a run's step process, from the process ledger its server keeps while the step runs (executors/process-ledger.ts). */
const stepPid = (server: TestServer, runId: number) => {
  const dir = server.app.runbooks.settings.processDir;
  const records = fs.existsSync(dir) ? fs.readdirSync(dir).map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as LedgerRecord) : [];
  return records.find((record) => record.runId === runId)?.pid;
};

/**
 * Two replicas on one PostgreSQL: a cancel that arrives at the replica not carrying the run
 * out is stored on the run's row, and the replica running it stops its step (docs/runbooks.md).
 */
describe.skipIf(unavailable !== undefined)('cancelling a run across two replicas of one PostgreSQL', () => {
  let postgres: TestPostgres;
  let dir: string;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-cancel-'));
    fs.writeFileSync(path.join(dir, 'sleepy.yaml'), SLEEP);
    const env = { ...process.env, SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase('runbook_cancel') };
    const config = { env, runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour: 1000 }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } };
    // One after the other: the first creates the schema.
    a = await startTestServer(config);
    b = await startTestServer(config);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await postgres?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a cancel taken by the other replica stops the step on the replica running it; no further step runs', async () => {
    const run = await a.app.runbooks.service.request('sleepy', {}, oncall);
    const pid = (await eventually(() => stepPid(a, run.id), (found) => found !== undefined))!;
    const answer = await b.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${run.id}/cancel`, payload: { reason: 'wrong host' } });
    expect(answer.statusCode).toBe(200);
    // B cannot stop A's process: it stored the request, which A picks up.
    expect(answer.json<Run>()).toMatchObject({ state: 'running', cancelRequestedBy: 'test-operator' });
    const ended = await eventually(() => b.app.runbooks.service.run(run.id), (r) => r.state !== 'running');
    expect(ended).toMatchObject({ state: 'cancelled', reason: 'cancelled by test-operator: wrong host' });
    expect(ended.steps.map((step) => [step.name, step.state])).toEqual([['sleep', 'interrupted']]);
    await eventually(() => alive(pid), (running) => !running);
    // A second cancel of the run, now final, is a 409 on either replica.
    expect((await a.injectAs('operator', { method: 'POST', url: `/api/v1/runbook-runs/${run.id}/cancel`, payload: {} })).statusCode).toBe(409);
  });

  it('a run another replica recorded interrupted (it took this one for dead) has its step stopped here within about a second', async () => {
    const run = await a.app.runbooks.service.request('sleepy', {}, oncall);
    const pid = (await eventually(() => stepPid(a, run.id), (found) => found !== undefined))!;
    // B's recovery pass ending the run, as after a partition of A longer than the lease.
    const leases = await b.app.runbooks.store.runningLeases([]);
    expect(await b.app.runbooks.store.interruptLapsed(Date.now(), leases.filter((lease) => lease.id === run.id))).toEqual([run.id]);
    // Before, A's step went on (60 s here, or whatever the program does) past the end on record.
    await eventually(() => alive(pid), (running) => !running, 10_000);
    await eventually(() => a.app.runbooks.runner.inFlight, (n) => n === 0);
    const ended = await b.app.runbooks.service.run(run.id);
    // The end on record stays B's; no further step ran.
    expect(ended).toMatchObject({ state: 'interrupted', reason: 'server_restart' });
    expect(ended.steps.map((step) => [step.name, step.state, step.error])).toEqual([['sleep', 'interrupted', 'stopped: another replica recorded the run interrupted']]);
  });
});
