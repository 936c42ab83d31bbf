import type { Statement as SqliteStatement } from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Db } from '../database.ts';
import type { SqlDialect } from './open.ts';
import type { SqlSchema } from './schema.ts';

export type Executor = Kysely<SqlSchema>;

/**
 * Where a store's statements run: a Kysely executor (the query layer, or a transaction of
 * it) and, on SQLite inside a transaction that holds the shared connection, that
 * better-sqlite3 connection itself (`sqlite`), on which a statement runs synchronously.
 */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  readonly db: Executor;
  /** SQLite only, and only while this runner's transaction holds the shared connection. */
  readonly sqlite?: Db | undefined;
}

/** Stands for parameter `index` while compiling; Kysely passes values through to the parameter list untouched. */
class Slot {
  readonly index: number;
  constructor(index: number) {
    this.index = index;
  }
}

/** A compiled statement and, per bound parameter, the caller's value it takes (a slot) or a value written in the query. */
interface Compiled<Row> {
  readonly query: CompiledQuery<Row>;
  readonly bindings: ReadonlyArray<{ slot: number } | { constant: unknown }>;
  /** The caller's values are the parameters as they come, in order (most INSERTs and UPDATEs): bound without a copy. */
  readonly inOrder: boolean;
}

/**
 * A statement written once with the query builder for both databases, compiled once per
 * dialect, run with new values. Kysely's SQLite path costs ~3 µs a statement (its
 * connection lock, promises, result objects) against ~1 µs for a prepared better-sqlite3
 * statement; the alert ingest runs half a dozen per event, so inside a unit of work on
 * SQLite (the shared connection held by its transaction) the compiled SQL runs as a
 * prepared statement on that connection. Elsewhere it goes through Kysely as usual.
 * `sample` has one entry per value the caller binds (only its length counts): the query is
 * compiled with markers in their places, so that values written in the query itself (a
 * state name, a LIMIT) stay bound as they are, and every caller value must land somewhere.
 */
export function statement<Row, Params extends readonly unknown[]>(build: (db: Executor, ...sample: Params) => { compile(): CompiledQuery<Row> }, sample: Params) {
  const compiled = new Map<SqlDialect, Compiled<Row>>();
  const prepared = new WeakMap<Db, SqliteStatement>();
  const compile = (runner: SqlRunner): Compiled<Row> => {
    let done = compiled.get(runner.dialect);
    if (!done) {
      const slots = sample.map((_value, index) => new Slot(index)) as unknown as Params;
      const query = build(runner.db, ...slots).compile();
      const bindings = query.parameters.map((parameter) => (parameter instanceof Slot ? { slot: parameter.index } : { constant: parameter }));
      const used = new Set(bindings.flatMap((binding) => ('slot' in binding ? [binding.slot] : [])));
      if (used.size !== sample.length) throw new Error(`statement: ${sample.length - used.size} of its ${sample.length} values are not bound in the query`);
      const inOrder = bindings.length === sample.length && bindings.every((binding, index) => 'slot' in binding && binding.slot === index);
      compiled.set(runner.dialect, (done = { query, bindings, inOrder }));
    }
    return done;
  };
  // `values` is the call's own rest array, so it may go to the driver as it is.
  const bind = ({ bindings, inOrder }: Compiled<Row>, values: Params): readonly unknown[] => (inOrder ? values : bindings.map((binding) => ('slot' in binding ? values[binding.slot] : binding.constant)));
  const sqliteStatement = (sqlite: Db, { query }: Compiled<Row>): SqliteStatement => {
    let kept = prepared.get(sqlite);
    if (!kept) prepared.set(sqlite, (kept = sqlite.prepare(query.sql)));
    return kept;
  };
  const execute = async (runner: SqlRunner, done: Compiled<Row>, values: Params) => runner.db.executeQuery<Row>({ ...done.query, parameters: bind(done, values) });
  return {
    /** The rows it returns (a SELECT, or a write with RETURNING). */
    async all(runner: SqlRunner, ...values: Params): Promise<Row[]> {
      const done = compile(runner);
      if (runner.sqlite) {
        const prepared = sqliteStatement(runner.sqlite, done);
        return prepared.reader ? (prepared.all(...bind(done, values)) as Row[]) : (prepared.run(...bind(done, values)), []);
      }
      return (await execute(runner, done, values)).rows;
    },
    async first(runner: SqlRunner, ...values: Params): Promise<Row | undefined> {
      const done = compile(runner);
      if (runner.sqlite) return sqliteStatement(runner.sqlite, done).get(...bind(done, values)) as Row | undefined;
      return (await execute(runner, done, values)).rows[0];
    },
    /**
     * SQLite, on the connection a unit holds: an INSERT without RETURNING, the rowid it gave
     * its row (what `RETURNING id` would read, without the returned row: ~15 % less a row).
     */
    insertedId(runner: SqlRunner, ...values: Params): number {
      if (!runner.sqlite) throw new Error('statement: insertedId runs on SQLite in a unit of work only');
      const done = compile(runner);
      return Number(sqliteStatement(runner.sqlite, done).run(...bind(done, values)).lastInsertRowid);
    },
    /** A write without RETURNING: how many rows it changed. */
    async run(runner: SqlRunner, ...values: Params): Promise<number> {
      const done = compile(runner);
      if (runner.sqlite) return sqliteStatement(runner.sqlite, done).run(...bind(done, values)).changes;
      return Number((await execute(runner, done, values)).numAffectedRows ?? 0);
    },
  };
}
