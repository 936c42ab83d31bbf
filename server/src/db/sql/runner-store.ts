import type { SqlDatabase } from './open.ts';
import type { SqlRunner } from './statement.ts';

/**
 * A store whose statements run on a runner: the query layer itself, or, through `in`, a
 * unit of work's transaction (the same store bound to it, so a service hands one store to
 * every step of the unit).
 */
export abstract class RunnerStore {
  protected readonly database: SqlDatabase;
  protected readonly runner: SqlRunner;

  constructor(database: SqlDatabase, runner?: SqlRunner) {
    this.database = database;
    this.runner = runner ?? { dialect: database.dialect, db: database.db };
  }

  /** The same store, its statements run in this transaction. */
  in(runner: SqlRunner): this {
    const Store = this.constructor as new (database: SqlDatabase, runner?: SqlRunner) => this;
    return new Store(this.database, runner);
  }
}
