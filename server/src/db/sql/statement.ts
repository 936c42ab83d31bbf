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

/**
 * A statement written once with the query builder for both databases, compiled once per
 * dialect, run with new values. Kysely's SQLite path costs ~3 µs a statement (its
 * connection lock, promises, result objects) against ~1 µs for a prepared better-sqlite3
 * statement; the alert ingest runs half a dozen per event, so inside a unit of work on
 * SQLite (the shared connection held by its transaction) the compiled SQL runs as a
 * prepared statement on that connection. Elsewhere it goes through Kysely as usual.
 * `sample` gives one value per bound parameter, in order (checked when compiling).
 */
export function statement<Row, Params extends readonly unknown[]>(build: (db: Executor, ...sample: Params) => { compile(): CompiledQuery<Row> }, sample: Params) {
  const compiled = new Map<SqlDialect, CompiledQuery<Row>>();
  const prepared = new WeakMap<Db, SqliteStatement>();
  const compile = (runner: SqlRunner): CompiledQuery<Row> => {
    let query = compiled.get(runner.dialect);
    if (!query) {
      query = build(runner.db, ...sample).compile();
      if (query.parameters.length !== sample.length) throw new Error(`statement: the query binds ${query.parameters.length} values, the sample has ${sample.length}`);
      compiled.set(runner.dialect, query);
    }
    return query;
  };
  const sqliteStatement = (sqlite: Db, query: CompiledQuery<Row>): SqliteStatement => {
    let kept = prepared.get(sqlite);
    if (!kept) prepared.set(sqlite, (kept = sqlite.prepare(query.sql)));
    return kept;
  };
  return {
    /** The rows it returns (a SELECT, or a write with RETURNING). */
    async all(runner: SqlRunner, ...values: Params): Promise<Row[]> {
      const query = compile(runner);
      if (runner.sqlite) {
        const prepared = sqliteStatement(runner.sqlite, query);
        return prepared.reader ? (prepared.all(...values) as Row[]) : (prepared.run(...values), []);
      }
      return (await runner.db.executeQuery<Row>({ ...query, parameters: values })).rows;
    },
    async first(runner: SqlRunner, ...values: Params): Promise<Row | undefined> {
      const query = compile(runner);
      if (runner.sqlite) return sqliteStatement(runner.sqlite, query).get(...values) as Row | undefined;
      return (await runner.db.executeQuery<Row>({ ...query, parameters: values })).rows[0];
    },
    /** A write without RETURNING: how many rows it changed. */
    async run(runner: SqlRunner, ...values: Params): Promise<number> {
      const query = compile(runner);
      if (runner.sqlite) return sqliteStatement(runner.sqlite, query).run(...values).changes;
      return Number((await runner.db.executeQuery<Row>({ ...query, parameters: values })).numAffectedRows ?? 0);
    },
  };
}
