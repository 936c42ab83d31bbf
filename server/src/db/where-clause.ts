/**
 * A parameterised SQL WHERE clause built from optional filters: list endpoints add a
 * condition per filter present, values always travel as bound parameters.
 */
export class WhereClause {
  readonly #conditions: string[] = [];
  readonly args: unknown[] = [];

  /** Adds `condition` with its `?` parameters. */
  add(condition: string, ...args: unknown[]): this {
    this.#conditions.push(condition);
    this.args.push(...args);
    return this;
  }

  /** `column IN (…)` from a comma-separated list, as the list query strings carry it. */
  inList(column: string, csv: string): this {
    const values = csv.split(',');
    return this.add(`${column} IN (${values.map(() => '?').join(',')})`, ...values);
  }

  /**
   * One condition per `name=value` pair of a comma-separated list; `condition` takes a
   * JSON path (`$.name`) and the value. Schemas guarantee plain label names.
   */
  labelPairs(csv: string, condition: string): this {
    for (const pair of csv.split(',')) {
      const eq = pair.indexOf('=');
      this.add(condition, `$.${pair.slice(0, eq)}`, pair.slice(eq + 1));
    }
    return this;
  }

  toSql(): string {
    return this.#conditions.length ? `WHERE ${this.#conditions.join(' AND ')}` : '';
  }
}

/** A LIKE pattern (with `ESCAPE '\'`) matching text that contains `needle`, case-folded. */
export function containsPattern(needle: string): string {
  return `%${needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
