import type { BlockReason, BreakerState, ResolvedSafety, SafetyState } from '../../../shared/api/runbooks.ts';
import type { RunbookSettings } from './settings.ts';
import type { RunStore } from './store.ts';

const HOUR_MS = 3_600_000;

/**
 * The circuit breaker, read from the failures on record: open while `threshold` or more
 * runs failed within the window; it closes by itself when the oldest of them leaves it.
 */
export async function breakerState(store: RunStore, runbookId: string, settings: Pick<RunbookSettings, 'breakerFailures' | 'breakerWindowMs'>, now: number): Promise<BreakerState> {
  const failures = await store.failuresSince(runbookId, now - settings.breakerWindowMs);
  const open = failures.length >= settings.breakerFailures;
  // It closes when fewer than `threshold` failures remain in the window.
  const closesAt = open ? failures[failures.length - settings.breakerFailures]! + settings.breakerWindowMs : null;
  return { state: open ? 'open' : 'closed', failures: failures.length, threshold: settings.breakerFailures, windowMs: settings.breakerWindowMs, closesAt };
}

/**
 * Every limit a run must pass, in the order they are reported: the breaker first (the
 * runbook itself is suspect), then budgets, then the per-target cooldown and concurrency.
 * `excludeRunId` leaves out the run being checked (when an approved run starts).
 */
export async function safetyState(
  store: RunStore,
  runbookId: string,
  target: string,
  safety: ResolvedSafety,
  settings: RunbookSettings,
  now: number,
  excludeRunId = 0,
): Promise<SafetyState> {
  const breaker = await breakerState(store, runbookId, settings, now);
  const runsLeftThisHour = Math.max(0, safety.maxRunsPerHour - (await store.startedSince(now - HOUR_MS, runbookId)));
  const globalRunsLeftThisHour = Math.max(0, settings.globalRunsPerHour - (await store.startedSince(now - HOUR_MS)));
  const last = await store.lastStart(runbookId, target, excludeRunId);
  // No cooldown, nothing to wait for: a start stamped after `now` (one that committed while
  // this check read, on another replica or request) left "cooldown" of a few milliseconds.
  const cooldownLeftMs = last === null || safety.cooldownMs === 0 ? 0 : Math.max(0, last + safety.cooldownMs - now);
  const activeRuns = await store.active(runbookId, target, excludeRunId);
  let blockedBy: BlockReason | null = null;
  if (breaker.state === 'open') blockedBy = 'breaker_open';
  else if (runsLeftThisHour === 0) blockedBy = 'max_runs_per_hour';
  else if (globalRunsLeftThisHour === 0) blockedBy = 'global_budget';
  else if (cooldownLeftMs > 0) blockedBy = 'cooldown';
  else if (activeRuns >= safety.concurrency) blockedBy = 'concurrency';
  return { cooldownLeftMs, runsLeftThisHour, globalRunsLeftThisHour, activeRuns, breaker, blockedBy };
}
