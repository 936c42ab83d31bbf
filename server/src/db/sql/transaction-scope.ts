import { AsyncLocalStorage } from 'node:async_hooks';
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
  #open = true;
  readonly #beforeCommit: Task[] = [];
  readonly #afterRollback: Array<() => void> = [];
  readonly #scratch = new Map<unknown, unknown>();

  constructor(runner: SqlRunner) {
    this.runner = runner;
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
 */
export async function withinTransaction<T>(runner: SqlRunner, work: () => Promise<T>): Promise<T> {
  const outer = currentTransaction();
  if (outer && outer.runner.db === runner.db) return work();
  const scope = new TransactionScope(runner);
  try {
    const result = await scopes.run(scope, work);
    await scope.commitTasks();
    return result;
  } catch (error) {
    scope.rolledBack();
    throw error;
  }
}

/**
 * One query-layer transaction with a scope: `database.db.transaction()` for work whose audit
 * entries (anything recorded through `ctx.audit` while it runs) must commit with it.
 */
export async function transaction<T>(database: SqlDatabase, work: (trx: Executor) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (trx) => withinTransaction({ dialect: database.dialect, db: trx }, () => work(trx)));
}
