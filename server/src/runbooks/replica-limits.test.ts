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
    expect(started).toHaveLength(2);
    expect(runs.filter((run) => run.state === 'blocked').map((run) => run.reason)).toEqual(Array(RUNBOOKS * 2 - 2).fill('global_budget'));
  });

  it("a runbook's maxRunsPerHour holds for a burst on both replicas", async () => {
    const [a, b] = await replicas(1000);
    const requests = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).app.runbooks.service.request('budgeted', { params: { n: i } }, admin));
    const runs = await settled(b, await Promise.all(requests));
    expect(runs.filter((run) => run.startedAt !== null)).toHaveLength(2);
    expect(runs.filter((run) => run.state === 'blocked').map((run) => run.reason)).toEqual(Array(8).fill('max_runs_per_hour'));
  });
});
