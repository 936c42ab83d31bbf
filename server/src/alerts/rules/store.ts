import { sql, type Kysely, type Selectable } from 'kysely';
import type { Labels, Rule, RuleCondition, RuleInput, Severity } from '../../../../shared/api/alerts.ts';
import type { SqlDatabase } from '../../db/sql/open.ts';
import { transaction } from '../../db/sql/transaction-scope.ts';
import type { AlertRuleSeriesTable, AlertRulesTable, SqlSchema } from '../../db/sql/schema.ts';

export interface SeriesState {
  seriesKey: string;
  labels: Labels;
  state: 'pending' | 'firing';
  since: number;
  value: number;
}

/** What one evaluation (or retirement) of a rule changes in its series. */
export interface SeriesChanges {
  put: SeriesState[];
  drop: string[];
}

function toSeries(row: Selectable<AlertRuleSeriesTable>): SeriesState {
  return {
    seriesKey: row.series_key,
    labels: JSON.parse(row.labels) as Labels,
    state: row.state as SeriesState['state'],
    since: Number(row.since),
    value: Number(row.value),
  };
}

function toRule(row: Selectable<AlertRulesTable>, series: SeriesState[]): Rule {
  return {
    id: row.id,
    name: row.name,
    selector: row.selector,
    datasourceId: row.datasource_id,
    expr: row.expr,
    condition: JSON.parse(row.condition) as RuleCondition,
    windowSeconds: row.window_seconds,
    forSeconds: row.for_seconds,
    severity: row.severity as Severity,
    labels: JSON.parse(row.labels) as Labels,
    annotations: JSON.parse(row.annotations) as Labels,
    enabled: row.enabled === 1,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastEvaluatedAt: row.last_evaluated_at === null ? null : Number(row.last_evaluated_at),
    lastError: row.last_error,
    series: series.map(({ labels, state, since, value }) => ({ labels, state, since, value })),
  };
}

function valuesOf(input: RuleInput) {
  return {
    name: input.name,
    selector: input.selector ?? '',
    condition: JSON.stringify(input.condition),
    window_seconds: input.windowSeconds ?? 60,
    for_seconds: input.forSeconds ?? 0,
    severity: input.severity ?? 'warning',
    labels: JSON.stringify(input.labels ?? {}),
    annotations: JSON.stringify(input.annotations ?? {}),
    enabled: input.enabled === false ? 0 : 1,
    datasource_id: input.datasourceId ?? null,
    expr: input.expr ?? null,
  };
}

/**
 * Threshold rules and, per rule, the series that are pending or firing, on the query layer
 * (`ctx.sql`): in PostgreSQL shared by every replica, so the leader evaluates the cluster's
 * rules and any replica lists and edits them. Async throughout.
 */
export class RuleStore {
  readonly #sql: SqlDatabase;
  readonly #db: Kysely<SqlSchema>;

  constructor(database: SqlDatabase, db: Kysely<SqlSchema> = database.db) {
    this.#sql = database;
    this.#db = db;
  }

  async #withSeries(rows: Selectable<AlertRulesTable>[]): Promise<Rule[]> {
    if (rows.length === 0) return [];
    const series = await this.#db
      .selectFrom('alert_rule_series')
      .selectAll()
      .where('rule_id', 'in', rows.map((row) => row.id))
      .orderBy('series_key')
      .execute();
    const byRule = new Map<number, SeriesState[]>();
    for (const row of series) {
      const list = byRule.get(row.rule_id) ?? [];
      list.push(toSeries(row));
      byRule.set(row.rule_id, list);
    }
    return rows.map((row) => toRule(row, byRule.get(row.id) ?? []));
  }

  async list(): Promise<Rule[]> {
    return this.#withSeries(await this.#db.selectFrom('alert_rules').selectAll().orderBy('name').execute());
  }

  async byId(id: number): Promise<Rule | undefined> {
    const [rule] = await this.#withSeries(await this.#db.selectFrom('alert_rules').selectAll().where('id', '=', id).execute());
    return rule;
  }

  async byName(name: string): Promise<Rule | undefined> {
    const [rule] = await this.#withSeries(await this.#db.selectFrom('alert_rules').selectAll().where('name', '=', name).execute());
    return rule;
  }

  /** Inserts the rule; undefined when the name is taken (the unique index decides, so two replicas cannot both create it). */
  async create(input: RuleInput, by: string, now: number): Promise<Rule | undefined> {
    const inserted = await this.#db
      .insertInto('alert_rules')
      .values({ ...valuesOf(input), created_by: by, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted && this.byId(inserted.id);
  }

  /** Replaces the definition; the caller retires the series first, since the condition may differ. */
  async replace(id: number, input: RuleInput, now: number): Promise<void> {
    await this.#db
      .updateTable('alert_rules')
      .set({ ...valuesOf(input), updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async remove(id: number): Promise<void> {
    // The series go with it (ON DELETE CASCADE on PostgreSQL; SQLite's foreign keys may be off for the query layer's statements).
    await this.#db.deleteFrom('alert_rule_series').where('rule_id', '=', id).execute();
    await this.#db.deleteFrom('alert_rules').where('id', '=', id).execute();
  }

  async seriesOf(ruleId: number): Promise<SeriesState[]> {
    const rows = await this.#db.selectFrom('alert_rule_series').selectAll().where('rule_id', '=', ruleId).orderBy('series_key').execute();
    return rows.map(toSeries);
  }

  /** The rule's `updated_at` as stored now (undefined once deleted): an evaluation of an older definition is dropped. */
  async versionOf(ruleId: number): Promise<number | undefined> {
    const row = await this.#db.selectFrom('alert_rules').select('updated_at').where('id', '=', ruleId).executeTakeFirst();
    return row && Number(row.updated_at);
  }

  async applySeries(ruleId: number, changes: SeriesChanges): Promise<void> {
    if (changes.drop.length > 0) await this.#db.deleteFrom('alert_rule_series').where('rule_id', '=', ruleId).where('series_key', 'in', changes.drop).execute();
    for (const series of changes.put) {
      const values = { labels: JSON.stringify(series.labels), state: series.state, since: series.since, value: series.value };
      await this.#db
        .insertInto('alert_rule_series')
        .values({ rule_id: ruleId, series_key: series.seriesKey, ...values })
        .onConflict((conflict) => conflict.columns(['rule_id', 'series_key']).doUpdateSet(values))
        .execute();
    }
  }

  async markEvaluated(ruleId: number, at: number, error: string | null): Promise<void> {
    await this.#db.updateTable('alert_rules').set({ last_evaluated_at: at, last_error: error }).where('id', '=', ruleId).execute();
  }

  /**
   * Runs `work` in one transaction with a store bound to it, serialised per rule on
   * PostgreSQL (`pg_advisory_xact_lock`), so an evaluation on the leader and a retirement
   * through another replica's API do not interleave on one rule's series. SQLite rule: the
   * work awaits only queries and returns a refusal rather than throwing.
   */
  /** The executor this store runs on (a transaction's inside `transaction`), for work that must commit with it. */
  get executor(): Kysely<SqlSchema> {
    return this.#db;
  }

  /** `ruleId` null: a rule still to create (no lock to take; its name is unique in the table). */
  async transaction<T>(ruleId: number | null, work: (store: RuleStore) => Promise<T>): Promise<T> {
    // The audit entries recorded by the work (the alerts it raises) commit with it.
    return transaction(this.#sql, async (trx) => {
      if (this.#sql.dialect === 'postgres' && ruleId !== null) await sql`SELECT pg_advisory_xact_lock(hashtext(${`alert-rule:${ruleId}`}))`.execute(trx);
      return work(new RuleStore(this.#sql, trx));
    });
  }
}
