import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/api/runbooks.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { LeaseWatch } from './lease-watch.ts';
import { RunStore, type NewRun } from './store.ts';

const T0 = Date.UTC(2026, 0, 1);

function newRun(target: string, state: NewRun['state'] = 'queued'): NewRun {
  const plan = { hash: `hash-${target}`, steps: [], rollback: [], targets: [target] } as unknown as Plan;
  return {
    runbookId: 'restart',
    title: 'Restart',
    target,
    state,
    reason: null,
    params: { host: target },
    labels: { host: target },
    plan,
    incidentId: null,
    alertId: null,
    dryRun: false,
    trigger: 'manual',
    approvalsRequired: 0,
    requestedBy: 'alice',
    requestedByKind: 'user',
    requestedByUserId: 7,
  };
}

describe.each(testDatabases())('runbook run store on $name', (database) => {
  const databases = useTestDatabase(database);

  /** Two servers' views of one database (on SQLite, both on the one file). */
  async function twoServers(): Promise<[RunStore, RunStore]> {
    const { sql: [a, b] } = await databases.twoLayers('sco-runstore-');
    return [new RunStore(a, 'replica-a'), new RunStore(b, 'replica-b')];
  }

  it.skipIf(database.skip)('stores runs with their steps and approvals, and moves them on only from the expected state', async () => {
    const [store] = await twoServers();
    const run = await store.insert(newRun('web-1', 'pending_approval'), T0);
    expect(run).toMatchObject({ runbookId: 'restart', target: 'web-1', state: 'pending_approval', params: { host: 'web-1' }, labels: { host: 'web-1' }, requestedByUserId: 7, steps: [], approvals: [] });
    await store.addDecision(run.id, 9, 'bob', 'approve', 'ok', run.planHash, T0 + 1);
    expect(await store.approvers(run.id, run.planHash)).toEqual([9]);
    expect(await store.transition(run.id, ['pending_approval'], 'queued', T0 + 2, { reason: null })).toBe(true);
    expect(await store.transition(run.id, ['pending_approval'], 'rejected', T0 + 3)).toBe(false);
    expect(await store.transition(run.id, ['queued'], 'running', T0 + 4, { startedAt: T0 + 4, leaseUntil: T0 + 60_000 })).toBe(true);
    const step = await store.startStep(run.id, 1, 'step', 'restart', 'run', T0 + 5);
    await store.finishStep(step, { state: 'succeeded', exitCode: 0, output: 'done\n', truncated: false, error: null }, T0 + 9);
    const stored = (await store.byId(run.id))!;
    expect(stored).toMatchObject({ state: 'running', startedAt: T0 + 4, approvals: [{ user: 'bob', decision: 'approve', comment: 'ok', void: false }] });
    expect(stored.steps).toEqual([{ seq: 1, phase: 'step', name: 'restart', kind: 'run', state: 'succeeded', exitCode: 0, startedAt: T0 + 5, finishedAt: T0 + 9, durationMs: 4, output: 'done\n', truncated: false, error: null }]);
    // The limits read the same rows.
    expect(await store.active('restart', 'web-1')).toBe(1);
    expect(await store.startedSince(T0)).toBe(1);
    expect(await store.lastStart('restart', 'web-1')).toBe(T0 + 4);
    expect((await store.list({ states: ['running'] })).map((r) => r.id)).toEqual([run.id]);
  });

  it.skipIf(database.skip)('two servers draining the queue at once each take different runs, every run once', async () => {
    const [a, b] = await twoServers();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await a.insert(newRun(`host-${i}`), T0)).id);
    const taken: Record<'a' | 'b', number[]> = { a: [], b: [] };
    // Both claim in small batches concurrently until the queue is empty.
    const drain = async (store: RunStore, into: number[]) => {
      for (;;) {
        const claimed = await store.claimQueued(3, T0 + 1, T0 + 60_000);
        if (claimed.length === 0) return;
        into.push(...claimed);
      }
    };
    await Promise.all([drain(a, taken.a), drain(b, taken.b), drain(a, taken.a), drain(b, taken.b)]);
    const all = [...taken.a, ...taken.b].sort((x, y) => x - y);
    expect(all).toEqual(ids);
    // A run already claimed is not claimed again by id either, until its lease lapses.
    expect(await b.claim(ids[0]!, T0 + 2, T0 + 60_000)).toBe(false);
    expect(await b.claim(ids[0]!, T0 + 60_000, T0 + 120_000)).toBe(true);
  });

  it.skipIf(database.skip)('queued runs of a server that died are claimed once its lease lapses; its running runs become interrupted', async () => {
    const [a, b] = await twoServers();
    const queued = await a.insert(newRun('db-1'), T0, T0 + 60_000);
    const dead = await a.insert(newRun('db-2'), T0, T0 + 60_000);
    await a.transition(dead.id, ['queued'], 'running', T0, { startedAt: T0, leaseUntil: T0 + 60_000 });
    await a.startStep(dead.id, 1, 'step', 'restart', 'run', T0);
    const alive = await b.insert(newRun('db-3'), T0, T0 + 60_000);
    await b.transition(alive.id, ['queued'], 'running', T0, { startedAt: T0, leaseUntil: T0 + 60_000 });

    // B's recovery pass: a look at the other runs' leases every 10 s (RECOVERY_POLL_MS).
    const watch = new LeaseWatch(60_000);
    const pass = async (now: number) => b.interruptLapsed(now, watch.look(await b.runningLeases([alive.id]), now));
    expect(await b.runningLeases([alive.id])).toEqual([{ id: dead.id, owner: 'replica-a', beat: 0, until: T0 + 60_000 }]);
    // Before the leases lapse, nothing is taken and nothing interrupted.
    expect(await b.claimQueued(10, T0 + 30_000, T0 + 90_000)).toEqual([]);
    for (let now = T0 + 10_000; now <= T0 + 60_000; now += 10_000) expect(await pass(now)).toEqual([]);
    // B keeps its own run's lease alive; A's lapse, and B has watched A's stand still for a whole lease.
    await b.renewLeases([alive.id], T0 + 120_000);
    expect(await b.claimQueued(10, T0 + 61_000, T0 + 120_000)).toEqual([queued.id]);
    expect(await pass(T0 + 70_000)).toEqual([dead.id]);
    expect(await b.byId(dead.id)).toMatchObject({ state: 'interrupted', reason: 'server_restart', steps: [{ state: 'interrupted', error: 'the server stopped during this step' }] });
    expect((await b.byId(alive.id))!.state).toBe('running');
  });

  it.skipIf(database.skip)('after an outage that lapsed every lease, a replica takes only the run whose owner does not renew it', async () => {
    const [a, b] = await twoServers();
    const start = async (store: RunStore, target: string) => {
      const run = await store.insert(newRun(target), T0, T0 + 60_000);
      await store.transition(run.id, ['queued'], 'running', T0, { startedAt: T0, leaseUntil: T0 + 60_000 });
      return run.id;
    };
    const live = await start(a, 'out-1');
    const dead = await start(a, 'out-2');
    const watch = new LeaseWatch(60_000);
    const pass = async (now: number) => b.interruptLapsed(now, watch.look(await b.runningLeases([]), now));
    expect(await pass(T0 + 10_000)).toEqual([]);
    // Five minutes without the database: no renewal landed, every lease reads lapsed. Before
    // the owner's renewal, the first pass after it took both runs for a dead replica's.
    const back = T0 + 5 * 60_000;
    expect(await pass(back)).toEqual([]);
    // A lives: its renewal, within a third of a lease, moves its live run's beat.
    await a.renewLeases([live], back + 20_000 + 60_000);
    for (let now = back + 10_000; now < back + 60_000; now += 10_000) expect(await pass(now)).toEqual([]);
    expect(await pass(back + 60_000)).toEqual([dead]);
    expect((await b.byId(live))!.state).toBe('running');
    // A renewal landing between B's look and its update wins: the run is not taken.
    const late = await start(a, 'out-3');
    const seen = await b.runningLeases([live]);
    await a.renewLeases([late], back + 200_000);
    expect(await b.interruptLapsed(back + 100_000, seen)).toEqual([]);
    expect((await b.byId(late))!.state).toBe('running');
  });
});
