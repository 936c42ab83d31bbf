import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../../../../shared/errors.ts';
import type { SqlDatabase } from './open.ts';
import type { Executor, SqlRunner } from './statement.ts';

type Task = () => void | Promise<void>;

/**
 * The query-layer transaction the code now running is the body of, for writes that must
 * commit with it without every caller passing it along: the audit log's entries
 * (`ctx.audit.record` is synchronous and called from everywhere). A writer registers a task
 * that runs at the end of the body, still inside the transaction (`beforeCommit`), and one
 * for a rollback (`afterRollback`); `scratch` keeps what it holds per scope.
 */
export class TransactionScope {
  readonly runner: SqlRunner;
  /** The query layer's `db` the transaction was opened on (`ambient` routes it here while open). */
  readonly origin: Executor | undefined;
  #open = true;
  readonly #beforeCommit: Task[] = [];
  readonly #afterRollback: Array<() => void> = [];
  /** @internal What runs once the transaction has committed (`afterCommit`). */
  readonly committed: Array<() => void> = [];
  readonly #scratch = new Map<unknown, unknown>();

  constructor(runner: SqlRunner, origin?: Executor) {
    this.runner = runner;
    this.origin = origin;
  }

  /** False once the body has ended: later writes (a timer started inside it) are not part of it. */
  get open(): boolean {
    return this.#open;
  }

  beforeCommit(task: Task): void {
    this.#beforeCommit.push(task);
  }

  afterRollback(task: () => void): void {
    this.#afterRollback.push(task);
  }

  scratch<T>(key: unknown, create: () => T): T {
    if (!this.#scratch.has(key)) this.#scratch.set(key, create());
    return this.#scratch.get(key) as T;
  }

  /** @internal */
  async commitTasks(): Promise<void> {
    // A task may register another (it runs in a later round).
    while (this.#beforeCommit.length > 0) {
      const tasks = this.#beforeCommit.splice(0);
      for (const task of tasks) await task();
    }
    this.#open = false;
  }

  /** @internal */
  rolledBack(): void {
    this.#open = false;
    this.#beforeCommit.length = 0;
    for (const task of this.#afterRollback.splice(0)) task();
  }
}

const scopes = new AsyncLocalStorage<TransactionScope>();

/**
 * Runs `task` once the transaction the caller runs inside has committed (dropped if it rolls
 * back), or now outside one: a copy kept outside the database (the SQLite copy of the
 * PostgreSQL users table) must not take a change that may yet be rolled back.
 */
export function afterCommit(task: () => void): void {
  const scope = currentTransaction();
  if (scope) scope.committed.push(task);
  else task();
}

/**
 * Runs `work` (and what it schedules: timers, promise chains) outside any transaction scope:
 * for background loops a call inside a transaction may start (the stream log's appends, the
 * webhook dispatcher), which must use the database itself, not the transaction they were
 * started from.
 */
export function detached<T>(work: () => T): T {
  return scopes.exit(work);
}

/** The open transaction the caller runs inside, if any. */
export function currentTransaction(): TransactionScope | undefined {
  const scope = scopes.getStore();
  return scope?.open ? scope : undefined;
}

/**
 * Runs `work` as the body of a transaction the caller holds (`runner` is bound to it): what
 * was registered to commit with it (the audit entries recorded meanwhile) is written when
 * `work` returns, still inside the transaction, so the caller's commit takes it along. If
 * `work` (or one of those writes) throws, the caller rolls back: nothing of it is written and
 * the rollback tasks run. Nested in a scope of the same transaction, `work` joins that one.
 * `committed` receives the `afterCommit` tasks, for the caller to run once it has committed.
 */
export async function withinTransaction<T>(runner: SqlRunner, work: () => Promise<T>, origin?: Executor, committed?: Array<() => void>): Promise<T> {
  const outer = currentTransaction();
  if (outer && outer.runner.db === runner.db) return work();
  const scope = new TransactionScope(runner, origin);
  try {
    const result = await scopes.run(scope, work);
    await scope.commitTasks();
    // For the caller to run after its commit.
    committed?.push(...scope.committed);
    return result;
  } catch (error) {
    scope.rolledBack();
    throw error;
  }
}

/**
 * One query-layer transaction with a scope, for work whose audit entries (anything recorded
 * through `ctx.audit` while it runs) must commit with it. Every statement the work runs on
 * the query layer (`database.db`, whichever store issues it) runs in this transaction
 * (`ambient`), so an action written by a store that knows nothing of it (one INSERT) and its
 * audit entry commit together. Keep it to database work: on SQLite the transaction holds the
 * shared connection, and on PostgreSQL a connection, until the work ends.
 */
export async function transaction<T>(database: SqlDatabase, work: (trx: Executor) => Promise<T>): Promise<T> {
  const committed: Array<() => void> = [];
  const outcome = await database.db.transaction().execute(async (trx) =>
    withinTransaction(
      { dialect: database.dialect, db: trx },
      async (): Promise<{ value: T } | { refused: AppError }> => {
        try {
          return { value: await work(trx) };
        } catch (error) {
          // A refusal commits (what was recorded, a denied entry) and is thrown after: on
          // SQLite a rollback of the shared connection could take another write along
          // (docs/architecture.md). Any other error rolls back.
          if (error instanceof AppError) return { refused: error };
          throw error;
        }
      },
      database.db,
      committed,
    ),
  );
  for (const task of committed) task();
  if ('refused' in outcome) throw outcome.refused;
  return outcome.value;
}

/** What `db.transaction()` answers inside an open scope of the same database: the scope's transaction, joined. */
function joined(trx: Executor) {
  const builder = {
    execute: async <T>(work: (trx: Executor) => Promise<T>): Promise<T> => work(trx),
    setIsolationLevel: () => builder,
    setAccessMode: () => builder,
  };
  return builder;
}

/**
 * The query layer's `db` as the code sees it: while a scope opened on it (`transaction`,
 * `unitRunner`) is open in the calling context, every use goes to that scope's transaction,
 * and a nested `db.transaction()` joins it (its work commits or rolls back with the scope's);
 * otherwise the database itself. One property look-up and one AsyncLocalStorage read per use.
 */
export function ambient(db: Executor): Executor {
  // Kysely's methods read private fields, so they are called on the instance itself, never
  // on the proxy: bound once per method for the database, per use for a transaction.
  const bound = new Map<PropertyKey, unknown>();
  const proxy: Executor = new Proxy(db, {
    get(target, property) {
      const scope = currentTransaction();
      if (scope?.origin !== proxy) {
        let value = bound.get(property);
        if (value === undefined) {
          value = Reflect.get(target, property, target) as unknown;
          if (typeof value !== 'function') return value;
          value = (value as (...args: unknown[]) => unknown).bind(target);
          bound.set(property, value);
        }
        return value;
      }
      const trx = scope.runner.db;
      if (property === 'transaction') return () => joined(trx);
      const value = Reflect.get(trx, property, trx) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(trx) : value;
    },
  });
  return proxy;
}
