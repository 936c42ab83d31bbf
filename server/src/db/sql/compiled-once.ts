import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

/**
 * A query built and compiled once, then run with new bound values. Kysely builds and
 * compiles a query on every call; for the lookups every authenticated request makes (its
 * session, its user) that was most of their cost (docs/benchmarks.md), while their SQL
 * text never changes, only the values. Compiled again for another database (a test's, or
 * after a reopen), never for a transaction: callers pass a transaction's executor to
 * Kysely as before.
 */
export function compiledOnce<DB, Row, Params extends readonly unknown[]>(build: (db: Kysely<DB>, ...sample: Params) => { compile(): CompiledQuery<Row> }, sample: Params) {
  let compiledFor: Kysely<DB> | undefined;
  let compiled: CompiledQuery<Row> | undefined;
  return (db: Kysely<DB>, ...values: Params): Promise<QueryResult<Row>> => {
    if (compiledFor !== db || !compiled) {
      compiled = build(db, ...sample).compile();
      // The values must be the only parameters, in order, for the substitution to be right.
      if (compiled.parameters.length !== values.length) throw new Error(`compiledOnce: the query binds ${compiled.parameters.length} values, ${values.length} given`);
      compiledFor = db;
    }
    return db.executeQuery<Row>({ ...compiled, parameters: values });
  };
}
