import type { Db } from '../../db/database.ts';
import type { Labels, Rule, RuleCondition, RuleInput, Severity } from '../../../../shared/api/alerts.ts';

type Row = Record<string, unknown>;

export interface SeriesState {
  seriesKey: string;
  labels: Labels;
  state: 'pending' | 'firing';
  since: number;
  value: number;
}

/** Threshold rules and, per rule, the series that are pending or firing. */
export class RuleStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  #toRule(row: Row): Rule {
    const series = this.seriesOf(row.id as number).map(({ labels, state, since, value }) => ({ labels, state, since, value }));
    return {
      id: row.id as number,
      name: row.name as string,
      selector: row.selector as string,
      datasourceId: row.datasource_id as number | null,
      expr: row.expr as string | null,
      condition: JSON.parse(row.condition as string) as RuleCondition,
      windowSeconds: row.window_seconds as number,
      forSeconds: row.for_seconds as number,
      severity: row.severity as Severity,
      labels: JSON.parse(row.labels as string) as Labels,
      annotations: JSON.parse(row.annotations as string) as Labels,
      enabled: row.enabled === 1,
      createdBy: row.created_by as string,
      createdAt: row.created_at as number,
      updatedAt: row.updated_at as number,
      lastEvaluatedAt: row.last_evaluated_at as number | null,
      lastError: row.last_error as string | null,
      series,
    };
  }

  list(): Rule[] {
    return (this.#db.prepare('SELECT * FROM alert_rules ORDER BY name').all() as Row[]).map((row) => this.#toRule(row));
  }

  byId(id: number): Rule | undefined {
    const row = this.#db.prepare('SELECT * FROM alert_rules WHERE id = ?').get(id) as Row | undefined;
    return row ? this.#toRule(row) : undefined;
  }

  byName(name: string): Rule | undefined {
    const row = this.#db.prepare('SELECT * FROM alert_rules WHERE name = ?').get(name) as Row | undefined;
    return row ? this.#toRule(row) : undefined;
  }

  #values(input: RuleInput) {
    return [
      input.name,
      input.selector ?? '',
      JSON.stringify(input.condition),
      input.windowSeconds ?? 60,
      input.forSeconds ?? 0,
      input.severity ?? 'warning',
      JSON.stringify(input.labels ?? {}),
      JSON.stringify(input.annotations ?? {}),
      input.enabled === false ? 0 : 1,
      input.datasourceId ?? null,
      input.expr ?? null,
    ];
  }

  create(input: RuleInput, by: string, now: number): Rule {
    const id = Number(
      this.#db
        .prepare(`INSERT INTO alert_rules (name, selector, condition, window_seconds, for_seconds, severity, labels, annotations, enabled, datasource_id, expr, created_by, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...this.#values(input), by, now, now).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  /** Replaces the definition; the caller retires the series first, since the condition may differ. */
  replace(id: number, input: RuleInput, now: number): void {
    this.#db
      .prepare(`UPDATE alert_rules SET name = ?, selector = ?, condition = ?, window_seconds = ?, for_seconds = ?, severity = ?, labels = ?,
        annotations = ?, enabled = ?, datasource_id = ?, expr = ?, updated_at = ? WHERE id = ?`)
      .run(...this.#values(input), now, id);
  }

  remove(id: number): void {
    this.#db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id);
  }

  seriesOf(ruleId: number): SeriesState[] {
    const rows = this.#db.prepare('SELECT * FROM alert_rule_series WHERE rule_id = ? ORDER BY series_key').all(ruleId) as Row[];
    return rows.map((row) => ({
      seriesKey: row.series_key as string,
      labels: JSON.parse(row.labels as string) as Labels,
      state: row.state as SeriesState['state'],
      since: row.since as number,
      value: row.value as number,
    }));
  }

  putSeries(ruleId: number, series: SeriesState): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO alert_rule_series (rule_id, series_key, labels, state, since, value) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ruleId, series.seriesKey, JSON.stringify(series.labels), series.state, series.since, series.value);
  }

  dropSeries(ruleId: number, seriesKey: string): void {
    this.#db.prepare('DELETE FROM alert_rule_series WHERE rule_id = ? AND series_key = ?').run(ruleId, seriesKey);
  }

  markEvaluated(ruleId: number, at: number, error: string | null): void {
    this.#db.prepare('UPDATE alert_rules SET last_evaluated_at = ?, last_error = ? WHERE id = ?').run(at, error, ruleId);
  }
}
