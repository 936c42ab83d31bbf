import { sql, type RawBuilder } from 'kysely';

/** A column of rows written with `unnestRows`: its name and its PostgreSQL type. */
export type UnnestColumn = readonly [name: string, type: string];

/**
 * PostgreSQL: `unnest($1::type[], $2::type[], …) AS u(col, …)`, rows given as one array per
 * column and zipped back into rows, so that a batch of rows is one statement with a fixed
 * number of parameters (`INSERT … SELECT * FROM` it, `UPDATE … FROM` it) instead of one
 * statement, and one round trip, per row.
 */
export function unnestRows(columns: readonly UnnestColumn[], rows: ReadonlyArray<readonly unknown[]>): RawBuilder<unknown> {
  const arrays = columns.map((_column, i) => rows.map((row) => row[i]));
  return sql`unnest(${sql.join(columns.map(([, type], i) => sql`${arrays[i]}::${sql.raw(type)}[]`))}) AS u(${sql.raw(columnList(columns))})`;
}

/** `a, b, c`: the names of the columns, for the column list of an INSERT. */
export function columnList(columns: readonly UnnestColumn[]): string {
  return columns.map(([name]) => name).join(', ');
}
