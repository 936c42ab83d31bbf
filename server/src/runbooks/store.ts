import type { Approval, Plan, Run, RunState, RunStep } from '../../../shared/api/runbooks.ts';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { RunbookRunsTable, SqlSchema } from '../db/sql/schema.ts';
import type { RunLease } from './lease-watch.ts';
import type { SecretBox } from '../datasources/secret-box.ts';
import { redactPlan } from './redact.ts';
import { shownParams } from './secret-params.ts';

type Executor = Kysely<SqlSchema>;
type Row = Selectable<RunbookRunsTable>;

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
  /** The reason given with a cancel asked for while the run ran (cancelRequestedBy), if any. */
  cancelReason: string | null;
}

/** The text a sealed plan starts with (docs/runbooks.md, "Secret parameters"). */
const SEALED = 'sealed:';

/** What a sealed plan that cannot be opened reads as: no steps, no limits, nothing to run. */
const UNREADABLE_PLAN: Omit<Plan, 'runbookId' | 'title' | 'params' | 'targets' | 'hash'> = {
  incidentId: null,
  steps: [],
  rollback: [],
  verify: null,
  safety: { mode: 'manual', role: 'admin', approvers: 0, cooldownMs: 0, maxRunsPerHour: 0, concurrency: 0 },
  state: { cooldownLeftMs: 0, runsLeftThisHour: 0, globalRunsLeftThisHour: 0, activeRuns: 0, breaker: { state: 'closed', failures: 0, threshold: 0, windowMs: 0, closesAt: null }, blockedBy: null },
};

type RunChanges = { reason?: string | null; startedAt?: number; finishedAt?: number; plan?: Plan; approvalsRequired?: number };

/**
 * Runs, their steps and approvals, on the shared query layer (SQLite or PostgreSQL, so with
 * replicas one set of runs for the cluster). Every limit (cooldown, hourly budgets,
 * concurrency, breaker) is a query over these rows, so nothing of it lives only in memory.
 * `claimed_until` is the lease of the server carrying a run out (see `claim`), `claimed_by`
 * that server (`owner`, its replica id) and `lease_beat` the count of its renewals.
 */
export class RunStore {
  readonly #sql: SqlDatabase;
  readonly #db: Executor;
  readonly #owner: string;
  readonly #sealer: Promise<SecretBox> | undefined;

  /**
   * `owner`: this server's replica id, written on the runs it claims. `sealer`: the secrets'
   * key, which seals the plan of a run with secret parameters (their values are in it) at rest.
   */
  constructor(database: SqlDatabase, owner = 'this-server', executor: Executor = database.db, sealer?: Promise<SecretBox>) {
    this.#sql = database;
    this.#db = executor;
    this.#owner = owner;
    this.#sealer = sealer;
  }

  /** A plan as stored: JSON, or sealed when it holds secret parameters' values (`sealed:` and base64 of SecretBox's box). */
  async #planText(plan: Plan): Promise<string> {
    const text = JSON.stringify(plan);
    if ((plan.secretParams ?? []).length === 0) return text;
    if (!this.#sealer) throw new Error('a run with secret parameters is stored sealed, and this store has no key');
    return `${SEALED}${(await this.#sealer).seal(text).toString('base64')}`;
  }

  /**
   * A stored plan read back. One that cannot be opened (the secrets' key was replaced) is
   * shown without its steps, and cannot run: its hash no longer matches any plan.
   */
  async #planOf(row: Row): Promise<Plan> {
    if (!row.plan.startsWith(SEALED)) return JSON.parse(row.plan) as Plan;
    try {
      if (!this.#sealer) throw new Error('no key');
      return JSON.parse((await this.#sealer).open(Buffer.from(row.plan.slice(SEALED.length), 'base64'))) as Plan;
    } catch {
      return { ...UNREADABLE_PLAN, runbookId: row.runbook_id, title: row.title, params: JSON.parse(row.params) as Record<string, unknown>, targets: [row.target], hash: `unreadable:${row.plan_hash}` };
    }
  }

  get dialect(): SqlDatabase['dialect'] {
    return this.#sql.dialect;
  }

  /**
   * Runs `work` in one transaction with a store bound to it. `serialiseOn` (PostgreSQL) takes
   * a transaction advisory lock on that name first, so two replicas deciding about the same
   * runbook (its limits) do so one after the other; SQLite has one writer anyway.
   */
  async transaction<T>(work: (store: RunStore) => Promise<T>, serialiseOn?: string): Promise<T> {
    // The audit entries recorded by the work commit with it (transaction-scope.ts).
    return transaction(this.#sql, async (trx) => {
      if (serialiseOn !== undefined && this.#sql.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${`runbook:${serialiseOn}`}))`.execute(trx);
      return work(new RunStore(this.#sql, this.#owner, trx, this.#sealer));
    });
  }

  /** `claimedUntil`: a queued run is inserted claimed by the server that will start it. */
  async insert(run: NewRun, now: number, claimedUntil: number | null = null): Promise<StoredRun> {
    const plan = await this.#planText(run.plan);
    const { id } = await this.#db
      .insertInto('runbook_runs')
      .values({
        runbook_id: run.runbookId,
        title: run.title,
        target: run.target,
        state: run.state,
        reason: run.reason,
        // The parameters as shown (secret ones `[redacted]`); the plan (sealed then) has their values.
        params: JSON.stringify(shownParams(run.params, run.plan.secretParams ?? [])),
        labels: JSON.stringify(run.labels),
        plan,
        plan_hash: run.plan.hash,
        incident_id: run.incidentId,
        alert_id: run.alertId,
        dry_run: run.dryRun ? 1 : 0,
        trigger: run.trigger,
        approvals_required: run.approvalsRequired,
        requested_by: run.requestedBy,
        requested_by_kind: run.requestedByKind,
        requested_by_user_id: run.requestedByUserId,
        created_at: now,
        updated_at: now,
        claimed_until: claimedUntil,
        claimed_by: claimedUntil === null ? null : this.#owner,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.byId(Number(id)))!;
  }

  async byId(id: number): Promise<StoredRun | undefined> {
    const row = await this.#db.selectFrom('runbook_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.#toRun(row, true) : undefined;
  }

  async list(filter: { runbook?: string; states?: readonly string[]; incidentId?: number; limit?: number }): Promise<StoredRun[]> {
    let query = this.#db.selectFrom('runbook_runs').selectAll();
    if (filter.runbook) query = query.where('runbook_id', '=', filter.runbook);
    if (filter.states && filter.states.length > 0) query = query.where('state', 'in', filter.states);
    if (filter.incidentId !== undefined) query = query.where('incident_id', '=', filter.incidentId);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
    return Promise.all(rows.map((row) => this.#toRun(row, false)));
  }

  async setState(id: number, state: RunState, now: number, changes: RunChanges = {}): Promise<StoredRun> {
    await this.#db
      .updateTable('runbook_runs')
      .set({
        state,
        updated_at: now,
        ...(changes.reason !== undefined ? { reason: changes.reason } : {}),
        ...(changes.startedAt !== undefined ? { started_at: changes.startedAt } : {}),
        ...(changes.finishedAt !== undefined ? { finished_at: changes.finishedAt } : {}),
        ...(changes.plan !== undefined ? { plan: await this.#planText(changes.plan), plan_hash: changes.plan.hash } : {}),
        ...(changes.approvalsRequired !== undefined ? { approvals_required: changes.approvalsRequired } : {}),
      })
      .where('id', '=', id)
      .execute();
    return (await this.byId(id))!;
  }

  /** Moves a run on only if it is still in `from` (a concurrent approve, reject, expiry or other replica lost). */
  async transition(id: number, from: readonly RunState[], to: RunState, now: number, changes: { reason?: string | null; startedAt?: number; finishedAt?: number; leaseUntil?: number } = {}): Promise<boolean> {
    const result = await this.#db
      .updateTable('runbook_runs')
      .set((eb) => ({
        state: to,
        updated_at: now,
        reason: eb.fn.coalesce(eb.val(changes.reason ?? null), eb.ref('reason')),
        started_at: eb.fn.coalesce(eb.val(changes.startedAt ?? null), eb.ref('started_at')),
        finished_at: eb.fn.coalesce(eb.val(changes.finishedAt ?? null), eb.ref('finished_at')),
        ...(changes.leaseUntil !== undefined ? { claimed_until: changes.leaseUntil, claimed_by: this.#owner } : {}),
      }))
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // ---- the queue across servers -------------------------------------------------------

  /**
   * Claims one queued run for this server until `leaseUntil`, if no live claim holds it. A
   * single conditional UPDATE: of two servers claiming the same run, one wins.
   */
  async claim(id: number, now: number, leaseUntil: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('runbook_runs')
      .set({ claimed_until: leaseUntil, claimed_by: this.#owner })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Claims up to `limit` queued runs nobody holds (or whose claimer's lease lapsed), oldest
   * first. On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so servers
   * claiming at once take different runs and never wait on each other.
   */
  async claimQueued(limit: number, now: number, leaseUntil: number): Promise<number[]> {
    const rows = await this.#db
      .updateTable('runbook_runs')
      .set({ claimed_until: leaseUntil, claimed_by: this.#owner })
      .where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('runbook_runs as r')
          .select('r.id')
          .where('r.state', '=', 'queued')
          .where((w) => w.or([w('r.claimed_until', 'is', null), w('r.claimed_until', '<=', now)]))
          .orderBy('r.id')
          .limit(limit);
        return this.#sql.dialect === 'postgres' ? due.forUpdate('r').skipLocked() : due;
      })
      .returning('id')
      .execute();
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  }

  /** The server carrying these runs out is alive: their leases run on, and their beat moves (LeaseWatch). */
  async renewLeases(ids: readonly number[], leaseUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .updateTable('runbook_runs')
      .set((eb) => ({ claimed_until: leaseUntil, claimed_by: this.#owner, lease_beat: eb(eb.ref('lease_beat'), '+', 1) }))
      .where('id', 'in', ids)
      .where('state', '=', 'running')
      .execute();
  }

  /** The leases of the running runs, but for `except` (this server's runs in flight), for the recovery pass (LeaseWatch). */
  async runningLeases(except: readonly number[]): Promise<RunLease[]> {
    let query = this.#db.selectFrom('runbook_runs').select(['id', 'claimed_by', 'lease_beat', 'claimed_until']).where('state', '=', 'running');
    if (except.length > 0) query = query.where('id', 'not in', except);
    const rows = await query.orderBy('id').execute();
    return rows.map((row) => ({ id: Number(row.id), owner: row.claimed_by, beat: Number(row.lease_beat), until: row.claimed_until === null ? null : Number(row.claimed_until) }));
  }

  // ---- cancel ---------------------------------------------------------------------------

  /**
   * Asks the server carrying a running run out to stop it: stored on the row, so any replica
   * may take the request. False when the run is not running or a cancel is already asked.
   */
  async requestCancel(id: number, by: string, reason: string | null, now: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('runbook_runs')
      .set({ cancel_requested_at: now, cancel_requested_by: by, cancel_reason: reason, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('cancel_requested_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Of these runs, the ones whose cancel was asked for (the executing server stops them). */
  async cancelRequested(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.selectFrom('runbook_runs').select('id').where('id', 'in', ids).where('cancel_requested_at', 'is not', null).execute();
    return rows.map((row) => Number(row.id));
  }

  /**
   * Of these runs (this server's in flight), the ones whose row no longer says `running`:
   * another replica recorded them ended (interrupted, after this one could not renew their
   * lease for a whole lease: a partition), so their steps must stop acting here.
   */
  async noLongerRunning(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.selectFrom('runbook_runs').select('id').where('id', 'in', ids).where('state', '!=', 'running').execute();
    return rows.map((row) => Number(row.id));
  }

  /** Start-up of the one server (SQLite): runs the previous process left in flight become `interrupted`; answers their ids. */
  async interruptInFlight(now: number): Promise<number[]> {
    return this.#interrupt(now, undefined);
  }

  /**
   * With replicas (PostgreSQL): these running runs, whose server was found dead (LeaseWatch),
   * become `interrupted`, each only if its lease is still the one seen (no renewal landed since).
   */
  async interruptLapsed(now: number, dead: readonly Pick<RunLease, 'id' | 'beat'>[]): Promise<number[]> {
    return this.#interrupt(now, dead);
  }

  async #interrupt(now: number, dead: readonly Pick<RunLease, 'id' | 'beat'>[] | undefined): Promise<number[]> {
    const run = async (db: Executor) => {
      const update = () => db.updateTable('runbook_runs').set({ state: 'interrupted', reason: 'server_restart', finished_at: now, updated_at: now });
      let ids: number[];
      if (dead === undefined) {
        ids = (await update().where('state', 'in', ['running', 'queued']).returning('id').execute()).map((row) => Number(row.id));
      } else {
        ids = [];
        for (const lease of dead) {
          const result = await update().where('id', '=', lease.id).where('state', '=', 'running').where('lease_beat', '=', lease.beat).executeTakeFirst();
          if (Number(result.numUpdatedRows) === 1) ids.push(lease.id);
        }
      }
      ids.sort((x, y) => x - y);
      if (ids.length > 0) {
        await db.updateTable('runbook_run_steps').set({ state: 'interrupted', finished_at: now, error: 'the server stopped during this step' }).where('state', '=', 'running').where('run_id', 'in', ids).execute();
      }
      return ids;
    };
    return this.#db.isTransaction ? run(this.#db) : this.#sql.db.transaction().execute(run);
  }

  /** Pending approvals older than `before` expire. */
  async expirePending(before: number, now: number): Promise<number[]> {
    const rows = await this.#db.selectFrom('runbook_runs').select('id').where('state', '=', 'pending_approval').where('created_at', '<', before).execute();
    const expired: number[] = [];
    for (const { id } of rows) if (await this.transition(Number(id), ['pending_approval'], 'expired', now, { reason: 'approval_timeout', finishedAt: now })) expired.push(Number(id));
    return expired;
  }

  // ---- limits -------------------------------------------------------------------------

  /** Runs that count against the limits: ones that started, except dry runs. */
  #started() {
    return this.#db.selectFrom('runbook_runs').where('dry_run', '=', 0).where('started_at', 'is not', null);
  }

  async lastStart(runbookId: string, target: string, excludeRunId = 0): Promise<number | null> {
    const row = await this.#started()
      .select((eb) => eb.fn.max('started_at').as('ts'))
      .where('runbook_id', '=', runbookId)
      .where('target', '=', target)
      .where('id', '!=', excludeRunId)
      .executeTakeFirst();
    return row?.ts === null || row?.ts === undefined ? null : Number(row.ts);
  }

  async startedSince(since: number, runbookId?: string): Promise<number> {
    let query = this.#started().select((eb) => eb.fn.countAll<number>().as('n')).where('started_at', '>=', since);
    if (runbookId !== undefined) query = query.where('runbook_id', '=', runbookId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  async active(runbookId: string, target: string, excludeRunId = 0): Promise<number> {
    const row = await this.#db
      .selectFrom('runbook_runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('runbook_id', '=', runbookId)
      .where('target', '=', target)
      .where('state', 'in', ['queued', 'running'])
      .where('dry_run', '=', 0)
      .where('id', '!=', excludeRunId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A proposal or run already on its way for this runbook and target (alert storms add nothing). */
  async openFor(runbookId: string, target: string): Promise<StoredRun | undefined> {
    const row = await this.#db
      .selectFrom('runbook_runs')
      .selectAll()
      .where('runbook_id', '=', runbookId)
      .where('target', '=', target)
      .where('state', 'in', ['pending_approval', 'queued', 'running'])
      .where('dry_run', '=', 0)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? this.#toRun(row, false) : undefined;
  }

  /** Finish times of failed runs since `since`, oldest first (the breaker's evidence). */
  async failuresSince(runbookId: string, since: number): Promise<number[]> {
    const rows = await this.#db
      .selectFrom('runbook_runs')
      .select('finished_at')
      .where('runbook_id', '=', runbookId)
      .where('state', 'in', ['failed', 'rolled_back'])
      .where('dry_run', '=', 0)
      .where('finished_at', '>=', since)
      .orderBy('finished_at')
      .execute();
    return rows.map((row) => Number(row.finished_at));
  }

  // ---- steps --------------------------------------------------------------------------

  async startStep(runId: number, seq: number, phase: RunStep['phase'], name: string, kind: string, now: number): Promise<number> {
    const row = await this.#db.insertInto('runbook_run_steps').values({ run_id: runId, seq, phase, name, kind, state: 'running', started_at: now, exit_code: null, finished_at: null, error: null }).returning('id').executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async finishStep(stepId: number, result: { state: 'succeeded' | 'failed' | 'interrupted'; exitCode: number | null; output: string; truncated: boolean; error: string | null }, now: number): Promise<void> {
    await this.#db
      .updateTable('runbook_run_steps')
      .set({ state: result.state, exit_code: result.exitCode, output: result.output, truncated: result.truncated ? 1 : 0, error: result.error, finished_at: now })
      .where('id', '=', stepId)
      .execute();
  }

  // ---- approvals ----------------------------------------------------------------------

  async addDecision(runId: number, userId: number, username: string, decision: Approval['decision'], comment: string | null, planHash: string, now: number): Promise<void> {
    await this.#db.insertInto('runbook_approvals').values({ run_id: runId, user_id: userId, username, decision, comment, plan_hash: planHash, ts: now }).execute();
  }

  /** Approvals of other plans than `hash` no longer count. */
  async voidApprovals(runId: number, hash: string): Promise<number> {
    const result = await this.#db.updateTable('runbook_approvals').set({ void: 1 }).where('run_id', '=', runId).where('plan_hash', '!=', hash).where('void', '=', 0).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Distinct users whose approval of `hash` stands. */
  async approvers(runId: number, hash: string): Promise<number[]> {
    const rows = await this.#db.selectFrom('runbook_approvals').select('user_id').distinct().where('run_id', '=', runId).where('plan_hash', '=', hash).where('decision', '=', 'approve').where('void', '=', 0).execute();
    return rows.map((row) => Number(row.user_id));
  }

  async #toRun(row: Row, withOutput: boolean): Promise<StoredRun> {
    const id = Number(row.id);
    const approvals = (await this.#db.selectFrom('runbook_approvals').selectAll().where('run_id', '=', id).orderBy('id').execute()).map((a) => ({
      user: a.username,
      decision: a.decision as Approval['decision'],
      comment: a.comment,
      planHash: a.plan_hash,
      ts: Number(a.ts),
      void: a.void === 1,
    }));
    const steps = (await this.#db.selectFrom('runbook_run_steps').selectAll().where('run_id', '=', id).orderBy('id').execute()).map((s) => ({
      seq: s.seq,
      phase: s.phase as RunStep['phase'],
      name: s.name,
      kind: s.kind,
      state: s.state as RunStep['state'],
      exitCode: s.exit_code,
      startedAt: Number(s.started_at),
      finishedAt: s.finished_at === null ? null : Number(s.finished_at),
      durationMs: s.finished_at === null ? null : Number(s.finished_at) - Number(s.started_at),
      output: withOutput ? s.output : '',
      truncated: s.truncated === 1,
      error: s.error,
    }));
    return {
      id,
      runbookId: row.runbook_id,
      title: row.title,
      target: row.target,
      state: row.state as RunState,
      reason: row.reason,
      params: JSON.parse(row.params) as Record<string, unknown>,
      labels: JSON.parse(row.labels) as Record<string, string>,
      planHash: row.plan_hash,
      plan: await this.#planOf(row),
      incidentId: row.incident_id === null ? null : Number(row.incident_id),
      alertId: row.alert_id === null ? null : Number(row.alert_id),
      dryRun: row.dry_run === 1,
      trigger: row.trigger as Run['trigger'],
      approvalsRequired: row.approvals_required,
      approvals,
      requestedBy: row.requested_by,
      requestedByKind: row.requested_by_kind as Run['requestedByKind'],
      requestedByUserId: row.requested_by_user_id === null ? null : Number(row.requested_by_user_id),
      createdAt: Number(row.created_at),
      startedAt: row.started_at === null ? null : Number(row.started_at),
      finishedAt: row.finished_at === null ? null : Number(row.finished_at),
      updatedAt: Number(row.updated_at),
      cancelRequestedBy: row.cancel_requested_by,
      cancelReason: row.cancel_reason,
      steps,
    };
  }
}

/** The API and stream shape: internal fields dropped (the response schema would drop them anyway), credentials in the plan redacted. */
export function publicRun(run: StoredRun): Run {
  const { labels: _labels, requestedByUserId: _userId, cancelReason: _cancelReason, ...rest } = run;
  return { ...rest, plan: redactPlan(rest.plan) };
}
