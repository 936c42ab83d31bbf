import type { Approval, Plan, Run, RunState, RunStep } from '../../../shared/api/runbooks.ts';
import type { Db } from '../db/database.ts';

type Row = Record<string, unknown>;

export interface NewRun {
  runbookId: string;
  title: string;
  target: string;
  state: RunState;
  reason: string | null;
  params: Record<string, unknown>;
  labels: Record<string, string>;
  plan: Plan;
  incidentId: number | null;
  alertId: number | null;
  dryRun: boolean;
  trigger: Run['trigger'];
  approvalsRequired: number;
  requestedBy: string;
  requestedByKind: Run['requestedByKind'];
  requestedByUserId: number | null;
}

/** A run as stored, with what the service needs beyond the API shape. */
export interface StoredRun extends Run {
  labels: Record<string, string>;
  requestedByUserId: number | null;
}

/** Runs that count against the limits: ones that started, except dry runs. */
const STARTED = "dry_run = 0 AND started_at IS NOT NULL";

/**
 * Runs, their steps and approvals in SQLite. Every limit (cooldown, hourly budgets,
 * concurrency, breaker) is a query over these rows, so nothing of it lives only in memory.
 */
export class RunStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  insert(run: NewRun, now: number): StoredRun {
    const id = Number(
      this.#db
        .prepare(`INSERT INTO runbook_runs (runbook_id, title, target, state, reason, params, labels, plan, plan_hash, incident_id, alert_id, dry_run, trigger,
          approvals_required, requested_by, requested_by_kind, requested_by_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(run.runbookId, run.title, run.target, run.state, run.reason, JSON.stringify(run.params), JSON.stringify(run.labels), JSON.stringify(run.plan), run.plan.hash,
          run.incidentId, run.alertId, run.dryRun ? 1 : 0, run.trigger, run.approvalsRequired, run.requestedBy, run.requestedByKind, run.requestedByUserId, now, now).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  byId(id: number): StoredRun | undefined {
    const row = this.#db.prepare('SELECT * FROM runbook_runs WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#toRun(row, true) : undefined;
  }

  list(filter: { runbook?: string; states?: readonly string[]; incidentId?: number; limit?: number }): StoredRun[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.runbook) {
      where.push('runbook_id = ?');
      args.push(filter.runbook);
    }
    if (filter.states && filter.states.length > 0) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      args.push(...filter.states);
    }
    if (filter.incidentId !== undefined) {
      where.push('incident_id = ?');
      args.push(filter.incidentId);
    }
    const sql = `SELECT * FROM runbook_runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...args, filter.limit ?? 100) as Row[]).map((row) => this.#toRun(row, false));
  }

  setState(id: number, state: RunState, now: number, changes: { reason?: string | null; startedAt?: number; finishedAt?: number; plan?: Plan } = {}): StoredRun {
    const sets = ['state = ?', 'updated_at = ?'];
    const args: unknown[] = [state, now];
    if (changes.reason !== undefined) {
      sets.push('reason = ?');
      args.push(changes.reason);
    }
    if (changes.startedAt !== undefined) {
      sets.push('started_at = ?');
      args.push(changes.startedAt);
    }
    if (changes.finishedAt !== undefined) {
      sets.push('finished_at = ?');
      args.push(changes.finishedAt);
    }
    if (changes.plan !== undefined) {
      sets.push('plan = ?', 'plan_hash = ?');
      args.push(JSON.stringify(changes.plan), changes.plan.hash);
    }
    this.#db.prepare(`UPDATE runbook_runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.byId(id)!;
  }

  /** Moves a run on only if it is still in `from` (a concurrent approve, reject or expiry lost). */
  transition(id: number, from: readonly RunState[], to: RunState, now: number, changes: { reason?: string | null; startedAt?: number; finishedAt?: number } = {}): boolean {
    const result = this.#db
      .prepare(`UPDATE runbook_runs SET state = ?, updated_at = ?, reason = coalesce(?, reason), started_at = coalesce(?, started_at), finished_at = coalesce(?, finished_at)
        WHERE id = ? AND state IN (${from.map(() => '?').join(',')})`)
      .run(to, now, changes.reason ?? null, changes.startedAt ?? null, changes.finishedAt ?? null, id, ...from);
    return result.changes === 1;
  }

  /** Start-up: runs the previous process left in flight become `interrupted`; answers their ids. */
  interruptInFlight(now: number): number[] {
    return this.#db.transaction(() => {
      const ids = (this.#db.prepare("SELECT id FROM runbook_runs WHERE state IN ('running', 'queued')").all() as Array<{ id: number }>).map((row) => row.id);
      this.#db.prepare("UPDATE runbook_runs SET state = 'interrupted', reason = 'server_restart', finished_at = ?, updated_at = ? WHERE state IN ('running', 'queued')").run(now, now);
      this.#db.prepare("UPDATE runbook_run_steps SET state = 'interrupted', finished_at = ?, error = 'the server stopped during this step' WHERE state = 'running'").run(now);
      return ids;
    })();
  }

  /** Pending approvals older than `before` expire. */
  expirePending(before: number, now: number): number[] {
    const ids = (this.#db.prepare("SELECT id FROM runbook_runs WHERE state = 'pending_approval' AND created_at < ?").all(before) as Array<{ id: number }>).map((row) => row.id);
    for (const id of ids) this.transition(id, ['pending_approval'], 'expired', now, { reason: 'approval_timeout', finishedAt: now });
    return ids;
  }

  // ---- limits -------------------------------------------------------------------------

  lastStart(runbookId: string, target: string, excludeRunId = 0): number | null {
    const row = this.#db.prepare(`SELECT max(started_at) AS ts FROM runbook_runs WHERE runbook_id = ? AND target = ? AND ${STARTED} AND id != ?`).get(runbookId, target, excludeRunId) as { ts: number | null };
    return row.ts;
  }

  startedSince(since: number, runbookId?: string): number {
    const row = runbookId === undefined
      ? (this.#db.prepare(`SELECT count(*) AS n FROM runbook_runs WHERE ${STARTED} AND started_at >= ?`).get(since) as { n: number })
      : (this.#db.prepare(`SELECT count(*) AS n FROM runbook_runs WHERE ${STARTED} AND started_at >= ? AND runbook_id = ?`).get(since, runbookId) as { n: number });
    return row.n;
  }

  active(runbookId: string, target: string, excludeRunId = 0): number {
    const row = this.#db.prepare("SELECT count(*) AS n FROM runbook_runs WHERE runbook_id = ? AND target = ? AND state IN ('queued', 'running') AND dry_run = 0 AND id != ?").get(runbookId, target, excludeRunId) as { n: number };
    return row.n;
  }

  /** A proposal or run already on its way for this runbook and target (alert storms add nothing). */
  openFor(runbookId: string, target: string): StoredRun | undefined {
    const row = this.#db.prepare("SELECT * FROM runbook_runs WHERE runbook_id = ? AND target = ? AND state IN ('pending_approval', 'queued', 'running') AND dry_run = 0 ORDER BY id DESC LIMIT 1").get(runbookId, target) as Row | undefined;
    return row ? this.#toRun(row, false) : undefined;
  }

  /** Finish times of failed runs since `since`, oldest first (the breaker's evidence). */
  failuresSince(runbookId: string, since: number): number[] {
    return (this.#db.prepare("SELECT finished_at FROM runbook_runs WHERE runbook_id = ? AND state IN ('failed', 'rolled_back') AND dry_run = 0 AND finished_at >= ? ORDER BY finished_at").all(runbookId, since) as Array<{ finished_at: number }>).map((row) => row.finished_at);
  }

  // ---- steps --------------------------------------------------------------------------

  startStep(runId: number, seq: number, phase: RunStep['phase'], name: string, kind: string, now: number): number {
    return Number(this.#db.prepare("INSERT INTO runbook_run_steps (run_id, seq, phase, name, kind, state, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)").run(runId, seq, phase, name, kind, now).lastInsertRowid);
  }

  finishStep(stepId: number, result: { state: 'succeeded' | 'failed'; exitCode: number | null; output: string; truncated: boolean; error: string | null }, now: number): void {
    this.#db.prepare('UPDATE runbook_run_steps SET state = ?, exit_code = ?, output = ?, truncated = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(result.state, result.exitCode, result.output, result.truncated ? 1 : 0, result.error, now, stepId);
  }

  // ---- approvals ----------------------------------------------------------------------

  addDecision(runId: number, userId: number, username: string, decision: Approval['decision'], comment: string | null, planHash: string, now: number): void {
    this.#db.prepare('INSERT INTO runbook_approvals (run_id, user_id, username, decision, comment, plan_hash, ts) VALUES (?, ?, ?, ?, ?, ?, ?)').run(runId, userId, username, decision, comment, planHash, now);
  }

  /** Approvals of other plans than `hash` no longer count. */
  voidApprovals(runId: number, hash: string): number {
    return this.#db.prepare("UPDATE runbook_approvals SET void = 1 WHERE run_id = ? AND plan_hash != ? AND void = 0").run(runId, hash).changes;
  }

  /** Distinct users whose approval of `hash` stands. */
  approvers(runId: number, hash: string): number[] {
    return (this.#db.prepare("SELECT DISTINCT user_id FROM runbook_approvals WHERE run_id = ? AND plan_hash = ? AND decision = 'approve' AND void = 0").all(runId, hash) as Array<{ user_id: number }>).map((row) => row.user_id);
  }

  #toRun(row: Row, withOutput: boolean): StoredRun {
    const id = row.id as number;
    const approvals = (this.#db.prepare('SELECT * FROM runbook_approvals WHERE run_id = ? ORDER BY id').all(id) as Row[]).map((a) => ({
      user: a.username as string,
      decision: a.decision as Approval['decision'],
      comment: a.comment as string | null,
      planHash: a.plan_hash as string,
      ts: a.ts as number,
      void: a.void === 1,
    }));
    const steps = (this.#db.prepare('SELECT * FROM runbook_run_steps WHERE run_id = ? ORDER BY id').all(id) as Row[]).map((s) => ({
      seq: s.seq as number,
      phase: s.phase as RunStep['phase'],
      name: s.name as string,
      kind: s.kind as string,
      state: s.state as RunStep['state'],
      exitCode: s.exit_code as number | null,
      startedAt: s.started_at as number,
      finishedAt: s.finished_at as number | null,
      durationMs: s.finished_at === null ? null : (s.finished_at as number) - (s.started_at as number),
      output: withOutput ? (s.output as string) : '',
      truncated: s.truncated === 1,
      error: s.error as string | null,
    }));
    return {
      id,
      runbookId: row.runbook_id as string,
      title: row.title as string,
      target: row.target as string,
      state: row.state as RunState,
      reason: row.reason as string | null,
      params: JSON.parse(row.params as string) as Record<string, unknown>,
      labels: JSON.parse(row.labels as string) as Record<string, string>,
      planHash: row.plan_hash as string,
      plan: JSON.parse(row.plan as string) as Plan,
      incidentId: row.incident_id as number | null,
      alertId: row.alert_id as number | null,
      dryRun: row.dry_run === 1,
      trigger: row.trigger as Run['trigger'],
      approvalsRequired: row.approvals_required as number,
      approvals,
      requestedBy: row.requested_by as string,
      requestedByKind: row.requested_by_kind as Run['requestedByKind'],
      requestedByUserId: row.requested_by_user_id as number | null,
      createdAt: row.created_at as number,
      startedAt: row.started_at as number | null,
      finishedAt: row.finished_at as number | null,
      updatedAt: row.updated_at as number,
      steps,
    };
  }
}

/** The API shape: internal fields dropped (the response schema would drop them anyway). */
export function publicRun(run: StoredRun): Run {
  const { labels: _labels, requestedByUserId: _userId, ...rest } = run;
  return rest;
}
