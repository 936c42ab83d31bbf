import { describe, expect, it } from 'vitest';
import type { Plan, ResolvedSafety } from '../../../shared/api/runbooks.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { safetyState } from './safety.ts';
import { defaultRunbookSettings } from './settings.ts';
import { RunStore, type NewRun } from './store.ts';

const T0 = Date.UTC(2026, 0, 1);
const SAFETY: ResolvedSafety = { mode: 'manual', role: 'operator', approvers: 0, cooldownMs: 0, maxRunsPerHour: 100, concurrency: 100 };

function newRun(target: string): NewRun {
  const plan = { hash: `hash-${target}`, steps: [], rollback: [], targets: [target] } as unknown as Plan;
  return {
    runbookId: 'restart', title: 'Restart', target, state: 'queued', reason: null, params: {}, labels: {}, plan,
    incidentId: null, alertId: null, dryRun: false, trigger: 'manual', approvalsRequired: 0,
    requestedBy: 'alice', requestedByKind: 'user', requestedByUserId: 7,
  };
}

describe.each(testDatabases())('runbook safety state on $name', (database) => {
  const databases = useTestDatabase(database);

  /**
   * A request reads the limits with its own `now`, outside the start lock: a run of the same
   * runbook and target started (on another replica, or another request) after that `now` and
   * before the read. With no cooldown, that start is no reason to block: it was reported as
   * `cooldown` (0 + a start in "the future" left a few milliseconds of cooldown).
   */
  it.skipIf(database.skip)('no cooldown blocks nothing, also for a start stamped after the check\'s now', async () => {
    const { sql: [layer] } = await databases.twoLayers('sco-safety-');
    const store = new RunStore(layer);
    const run = await store.insert(newRun('web-1'), T0);
    await store.transition(run.id, ['queued'], 'running', T0 + 50, { startedAt: T0 + 50, leaseUntil: T0 + 60_000 });
    const settings = defaultRunbookSettings('/nonexistent');
    expect((await safetyState(store, 'restart', 'web-1', SAFETY, settings, T0)).blockedBy).toBeNull();
    // A cooldown still counts from the start it sees, wherever its clock put it.
    const cooled = await safetyState(store, 'restart', 'web-1', { ...SAFETY, cooldownMs: 60_000 }, settings, T0);
    expect(cooled).toMatchObject({ blockedBy: 'cooldown', cooldownLeftMs: 60_050 });
  });
});
