import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../../../shared/errors.ts';
import type { Db } from '../db/database.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { Executor, SqlRunner } from '../db/sql/statement.ts';
import { afterCommit, withinTransaction } from '../db/sql/transaction-scope.ts';
import type { EventBus } from '../events/bus.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';

type Task = () => void | Promise<void>;

/** The order held writes go in (`UnitOfWork.holdWrites`): alert rows, then the rows that reference them (history, timeline, webhook deliveries). */
export const WRITE_STAGE = { alerts: 0, referencing: 1 } as const;

/** The transaction advisory lock key of a name (PostgreSQL bigint): the first 8 bytes of its SHA-256. Exported for tests that hold a lock from outside. */
export function lockKey(name: string): bigint {
  return BigInt.asIntN(64, createHash('sha256').update(`smartcloudops-unit:${name}`).digest().readBigUInt64BE(0));
}

/**
 * One transaction on the query layer and what it changed, told to the world only after it
 * commits: stream events are published and follow-up work (waking the webhook dispatcher)
 * runs. A rolled-back batch tells nobody. The unit is the runner its stores execute on
 * (`dialect`, `db`: the transaction; `sqlite`: on SQLite, the shared connection it holds).
 */
export class UnitOfWork implements SqlRunner {
  readonly dialect: SqlRunner['dialect'];
  readonly db: SqlRunner['db'];
  readonly sqlite: Db | undefined;
  readonly events: StreamEvent[] = [];
  readonly #afterCommit = new Set<() => void>();
  readonly #beforeCommit = new Map<string, Task>();
  readonly #scratch = new Map<string, unknown>();
  readonly #locked = new Set<bigint>();
  readonly #held = new Map<string, { stage: number; write: Task }>();

  constructor(runner: SqlRunner) {
    this.dialect = runner.dialect;
    this.db = runner.db;
    this.sqlite = runner.sqlite;
  }

  publish(event: StreamEvent): void {
    this.events.push(event);
  }

  /**
   * PostgreSQL: takes transaction advisory locks on these names (held to the commit), in
   * one order whatever the caller's, so two replicas working on the same names (an alert's
   * fingerprint, an incident group) take turns instead of both deciding from the same
   * reads, and never deadlock on each other. SQLite has one writer at a time: a no-op.
   */
  async serialise(names: Iterable<string>): Promise<void> {
    if (this.dialect !== 'postgres') return;
    const keys = [...new Set([...names].map(lockKey))].filter((key) => !this.#locked.has(key)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length === 0) return;
    // A function scan of the array yields its elements in order: the locks are taken in that order.
    await sql`SELECT pg_advisory_xact_lock(k) FROM unnest(${keys.map(String)}::bigint[]) AS k`.execute(this.db);
    for (const key of keys) this.#locked.add(key);
  }

  /** Runs once after the commit, however often it is asked for within the unit. */
  afterCommit(task: () => void): void {
    this.#afterCommit.add(task);
  }

  get afterCommitTasks(): ReadonlySet<() => void> {
    return this.#afterCommit;
  }

  /**
   * Runs once at the end of the unit, still inside its transaction, however often it is
   * asked for under the same key: work a batch needs once per thing it touched (an
   * incident's activity time and counts), not once per item. A later request under the
   * key replaces the task.
   */
  beforeCommit(key: string, task: Task): void {
    this.#beforeCommit.set(key, task);
  }

  /** What the unit has already looked up, kept as long as the unit (one batch). */
  scratch<T>(key: string, create: () => T): T {
    if (!this.#scratch.has(key)) this.#scratch.set(key, create());
    return this.#scratch.get(key) as T;
  }

  /**
   * Rows a store holds back to write together, one multi-row statement per table instead of
   * one per row (on PostgreSQL one round trip instead of a hundred for a webhook batch):
   * `write` is registered once per key and writes what was held since the last flush.
   * `stage` orders the writes of one flush (rows before the rows that reference them).
   */
  holdWrites(key: string, stage: number, write: Task): void {
    if (!this.#held.has(key)) this.#held.set(key, { stage, write });
  }

  /**
   * Writes what the stores hold back, stages up to `through` (all by default): before a read
   * that must see it (the unit's own rows), and at the end of the unit.
   */
  async flush(through = Infinity): Promise<void> {
    if (this.#held.size === 0) return;
    const writes = [...this.#held.values()].filter((held) => held.stage <= through).sort((a, b) => a.stage - b.stage);
    for (const held of writes) await held.write();
  }

  /** Runs the end-of-unit tasks (the runner calls it inside the transaction). */
  async finish(): Promise<void> {
    await this.flush();
    // A task may ask for another (it runs in a later round).
    while (this.#beforeCommit.size > 0) {
      const tasks = [...this.#beforeCommit.values()];
      this.#beforeCommit.clear();
      for (const task of tasks) await task();
      await this.flush();
    }
  }
}

/**
 * A transaction a caller holds, for a unit to run in instead of one of its own (a rule's
 * evaluation, which commits its state with the alerts it raised). What the unit tells the
 * world (stream events, waking the dispatcher) is left in `afterCommit`, for the caller to
 * run once its transaction has committed, and to drop if it rolled back.
 */
export interface HostTransaction {
  readonly executor: Executor;
  readonly afterCommit: Array<() => void>;
}

export interface UnitRunner {
  /** `within`: a transaction the caller holds, to run the unit in instead of one of its own. */
  <T>(work: (unit: UnitOfWork) => Promise<T>, within?: HostTransaction): Promise<T>;
}

/**
 * Runs each unit in one transaction of the query layer, with the audit entries recorded
 * while it runs (`ctx.audit.record`, transaction-scope.ts). A refusal (an `AppError`, thrown by
 * the services before they write anything) commits the empty transaction and is thrown
 * after it, rather than rolling back: on SQLite the transaction is on the connection the
 * synchronous stores share, and a rollback could take along a write of theirs that landed
 * while the unit awaited (docs/architecture.md). Any other error rolls back.
 *
 * Within a caller's transaction (`HostTransaction`: a rule's evaluation, which commits its
 * state with the alerts it raised) errors propagate to the caller, and what the unit
 * announces waits in the caller's `afterCommit` list: announced before the commit, a woken
 * dispatcher could look for the deliveries before they are visible and miss them.
 */
export function unitRunner(database: SqlDatabase, sqlite: Db, bus: EventBus): UnitRunner {
  const sqliteOf = database.dialect === 'sqlite' ? sqlite : undefined;
  const announce = (unit: UnitOfWork) => {
    // After the commit; grouped in one transaction of their own so that subscribers that
    // persist what they hear (the stream's event log) write one commit per batch, not one per event.
    if (unit.events.length > 0) {
      sqlite.transaction(() => {
        for (const event of unit.events) bus.publish(event);
      })();
    }
    for (const task of unit.afterCommitTasks) task();
  };
  return async <T>(work: (unit: UnitOfWork) => Promise<T>, within?: HostTransaction): Promise<T> => {
    if (within) {
      const unit = new UnitOfWork({ dialect: database.dialect, db: within.executor, sqlite: sqliteOf });
      const result = await work(unit);
      await unit.finish();
      within.afterCommit.push(() => announce(unit));
      return result;
    }
    const committed: Array<() => void> = [];
    const outcome = await database.db.transaction().execute(async (trx) => {
      const unit = new UnitOfWork({ dialect: database.dialect, db: trx, sqlite: sqliteOf });
      // The audit entries recorded by the work commit with it, and any statement it runs on
      // the query layer goes to its transaction (transaction-scope.ts).
      return withinTransaction(unit, async () => {
        try {
          const result = await work(unit);
          await unit.finish();
          return { unit, result };
        } catch (error) {
          if (error instanceof AppError) return { refused: error };
          throw error;
        }
      }, database.db, committed);
    });
    for (const task of committed) task();
    if ('refused' in outcome) throw outcome.refused;
    const { unit, result } = outcome;
    // Joined to a caller's scope (`transaction(ctx.sql, …)`: a chat confirmation), the unit
    // committed nothing yet: what it announces waits for that commit.
    afterCommit(() => announce(unit));
    return result;
  };
}
