import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/api/runbooks.ts';
import { postgresUnavailable, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { ServerNote } from './executors/server-notes.ts';
import { RUN_LEASE_MS } from './service.ts';
import { RunStore } from './store.ts';

const unavailable = postgresUnavailable();
if (unavailable) console.warn(`[runbook restart test skipped] ${unavailable}`);
const linux = fs.existsSync('/proc/self/ns/pid');

function startTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

/** A note as a server on this machine writes it (executors/server-notes.ts). */
function note(replicaId: string, pid: number, started: string): ServerNote {
  return { replicaId, pid, started, bootId: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), pidNamespace: fs.readlinkSync('/proc/self/ns/pid') };
}

/**
 * A server restarted on the same data dir (PostgreSQL): the runs its predecessor left
 * running name the predecessor's replica id, a new one each process. Before, they were
 * ended only after the restarted server watched their leases for 60 to 70 s; the
 * predecessor's note on the data dir, its process provably gone, ends them at start-up.
 */
describe.skipIf(unavailable !== undefined || !linux)('a server restarted on the same data dir ends its dead predecessor\'s runs at once', () => {
  let postgres: TestPostgres;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 180_000);
  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
    await postgres?.stop();
  }, 60_000);

  it('takes the runs of a noted server that is gone, and leaves those of one still running', async () => {
    const clock = Date.now();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-runbook-restart-'));
    const config = { env: { SMARTCLOUDOPS_DATABASE_URL: await postgres.createDatabase('runbook_restart') }, now: () => clock, dataDir };
    // The first server creates the schema; its runs stand for those of the predecessors below.
    const first = await startTestServer(config);
    servers.push(first);
    const running = async (owner: string) => {
      const store = new RunStore(first.app.ctx.sql, owner);
      const plan = { hash: `hash-${owner}`, steps: [], rollback: [], targets: [owner] } as unknown as Plan;
      const run = await store.insert(
        { runbookId: 'restart', title: 'Restart', target: owner, state: 'queued', reason: null, params: {}, labels: {}, plan, incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0, requestedBy: 'alice', requestedByKind: 'user', requestedByUserId: null },
        clock,
        clock + RUN_LEASE_MS,
      );
      await store.transition(run.id, ['queued'], 'running', clock, { startedAt: clock, leaseUntil: clock + RUN_LEASE_MS });
      return run.id;
    };
    const goneRun = await running('gone-replica');
    const liveRun = await running('live-replica');

    // The predecessor's process has ended (a child that exited: same machine, same pid namespace).
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid + " " + require("fs").readFileSync("/proc/self/stat", "utf8"))'], { encoding: 'utf8' });
    const [gonePid, ...stat] = gone.stdout.trim().split(' ');
    const goneStarted = stat.join(' ').slice(stat.join(' ').lastIndexOf(')') + 2).split(' ')[19]!;
    const notes = path.join(dataDir, 'runbook-processes');
    fs.mkdirSync(notes, { recursive: true });
    fs.writeFileSync(path.join(notes, `server-${gonePid}.json`), JSON.stringify(note('gone-replica', Number(gonePid), goneStarted)));
    // Another server on this data dir that still runs (this process).
    fs.writeFileSync(path.join(notes, 'server-1.json'), JSON.stringify(note('live-replica', process.pid, startTime(process.pid))));

    const restarted = await startTestServer(config);
    servers.push(restarted);
    const state = async (id: number) => (await restarted.app.runbooks.store.byId(id))!.state;
    // At start-up, not a lease later: the clock has not moved.
    expect(await state(goneRun)).toBe('interrupted');
    expect(await state(liveRun)).toBe('running');
    const audit = (await restarted.injectAs('admin', { method: 'GET', url: '/api/v1/audit?action=runbook.run.interrupted' })).json() as { entries: Array<{ target: string; details: { replica?: string } }> };
    expect(audit.entries.find((entry) => entry.target === `runbook-run:${goneRun}`)?.details).toMatchObject({ replica: 'gone-replica' });
    // The dead server's note is gone, the live one's kept, the restarted server noted itself.
    const left = fs.readdirSync(notes).sort();
    expect(left).toContain('server-1.json');
    expect(left).not.toContain(`server-${gonePid}.json`);
    expect(left).toContain(`server-${process.pid}.json`);
  }, 300_000);
});
