import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/api/runbooks.ts';
import { eventually } from '../testing/eventually.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { Requester } from './service.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[postgres runbook replica limit tests skipped] ${unavailable}`);

const RUNBOOKS = 6;
const FINAL = ['succeeded', 'failed', 'rolled_back', 'blocked', 'interrupted'];

/**
 * Two replicas on one PostgreSQL database, many requests at once spread over both: a limit
 * is a query over the shared runs, and no burst may take more runs than it allows, neither
 * the hourly budget of all runbooks together (SMARTCLOUDOPS_RUNBOOK_GLOBAL_RUNS_PER_HOUR,
 * runs of different runbooks) nor a runbook's own `maxRunsPerHour`.
 */
describe.skipIf(unavailable !== undefined)('runbook limits across two replicas of one PostgreSQL', () => {
  let postgres: TestPostgres;
  let dir: string;
  const servers: TestServer[] = [];
  let databases = 0;
  const admin: Requester = { actor: { name: 'oncall', kind: 'user' }, userId: 301, role: 'admin' };

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-replicas-'));
    for (let i = 1; i <= RUNBOOKS; i++) fs.writeFileSync(path.join(dir, `r${i}.yaml`), `id: r${i}\ntitle: R${i}\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 100 }\n`);
    fs.writeFileSync(path.join(dir, 'cooled.yaml'), 'id: cooled\ntitle: Cooled\nparams: { host: { type: string } }\ntarget: "{{params.host}}"\nsteps: [{ name: pause, wait: 10m }]\nsafety: { mode: manual, approvers: 0, maxRunsPerHour: 100, concurrency: 1, cooldown: 10m }\n');
    fs.writeFileSync(path.join(dir, 'gated.yaml'), 'id: gated\ntitle: Gated\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: approve, approvers: 1, maxRunsPerHour: 100, concurrency: 100 }\n');
    fs.writeFileSync(path.join(dir, 'budgeted.yaml'), 'id: budgeted\ntitle: Budgeted\nparams: { n: { type: integer } }\nsteps: [{ name: pause, wait: 1ms }]\nsafety: { mode: manual, approvers: 0, maxRunsPerHour: 2, concurrency: 100 }\n');
  }, 180_000);
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  afterAll(async () => {
    await postgres?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  async function replicas(globalRunsPerHour: number) {
    databases += 1;
    const env = { ...process.env, SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase(`runbook_replicas_${databases}`) };
    const config = { env, runbooks: { dir, reloadDebounceMs: 50, globalRunsPerHour }, alerts: { sweepIntervalMs: 0, ruleIntervalMs: 0 } };
    // One after the other: the first creates the schema.
    const a = await startTestServer(config);
    const b = await startTestServer(config);
    servers.push(a, b);
    return [a, b] as const;
  }
  const settled = async (server: TestServer, runs: Run[]) =>
    Promise.all(runs.map((run) => eventually(() => server.app.runbooks.service.run(run.id), (r) => FINAL.includes(r.state))));

  it('the global hourly budget holds for a burst of different runbooks on both replicas', async () => {
    const [a, b] = await replicas(2);
    const requests = Array.from({ length: RUNBOOKS * 2 }, (_, i) => (i % 2 === 0 ? a : b).app.runbooks.service.request(`r${(i % RUNBOOKS) + 1}`, {}, admin));
    const runs = await settled(a, await Promise.all(requests));
    const started = runs.filter((run) => run.startedAt !== null);
    // The message names every run: a stray reason is then readable in a CI log.
    const told = JSON.stringify(runs.map((run) => [run.id, run.runbookId, run.state, run.reason, run.startedAt]));
    expect(started, told).toHaveLength(2);
    expect(runs.filter((run) => run.state === 'blocked').map((run) => run.reason), told).toEqual(Array(RUNBOOKS * 2 - 2).fill('global_budget'));
  });

  it("a runbook's maxRunsPerHour holds for a burst on both replicas", async () => {
    const [a, b] = await replicas(1000);
    const requests = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).app.runbooks.service.request('budgeted', { params: { n: i } }, admin));
    const runs = await settled(b, await Promise.all(requests));
    expect(runs.filter((run) => run.startedAt !== null)).toHaveLength(2);
    expect(runs.filter((run) => run.state === 'blocked').map((run) => run.reason)).toEqual(Array(8).fill('max_runs_per_hour'));
  });

  it('two decisions about one run on two replicas at once: one is taken, the other is a 409', async () => {
    const [a, b] = await replicas(1000);
    const person = (userId: number, name: string): Requester => ({ actor: { name, kind: 'user' }, userId, role: 'operator' });
    for (const second of ['approve', 'reject'] as const) {
      for (let i = 0; i < 3; i++) {
        const run = await a.app.runbooks.service.request('gated', {}, admin);
        const decisions = [a.app.runbooks.service.approve(run.id, person(311, 'alice'), null), b.app.runbooks.service[second](run.id, person(312, 'bob'), null)];
        const outcomes = (await Promise.allSettled(decisions)).map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as { code: string }).code));
        expect(outcomes.sort()).toEqual(['E_CONFLICT', 'ok']);
        expect((await b.app.runbooks.service.run(run.id)).approvals).toHaveLength(1);
      }
    }
  });

  it('per target, concurrency and cooldown hold for a burst on both replicas (other spellings of the target too)', async () => {
    const [a, b] = await replicas(1000);
    const spellings = ['web-1', 'WEB-1', ' web-1', 'Web-1'];
    const requests = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).app.runbooks.service.request('cooled', { params: { host: spellings[i % 4]! } }, admin));
    const runs = await Promise.all(requests);
    const states = await eventually(() => Promise.all(runs.map((run) => a.app.runbooks.service.run(run.id))), (all) => all.every((run) => run.state === 'running' || run.state === 'blocked'));
    expect(states.filter((run) => run.state === 'running')).toHaveLength(1);
    expect(states.filter((run) => run.state === 'blocked').every((run) => run.reason === 'cooldown' || run.reason === 'concurrency')).toBe(true);
    // The running run (a 10-minute wait) is stopped when its replica closes (afterEach).
  });
});
