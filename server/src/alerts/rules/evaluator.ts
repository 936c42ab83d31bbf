import type { AlertEvent, Labels, Rule } from '../../../../shared/api/alerts.ts';
import type { Db } from '../../db/database.ts';
import { holds, expand, reduce } from './condition.ts';
import type { MetricsQuery } from '../../metrics/query.ts';
import type { RuleStore, SeriesState } from './store.ts';

function seriesKeyOf(name: string, labels: Labels): string {
  return `${name}${JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))))}`;
}

/** The labels of the alert a rule raises for one series. */
export function ruleAlertLabels(rule: Pick<Rule, 'name' | 'labels' | 'severity'>, seriesName: string, seriesLabels: Labels): Labels {
  return { ...seriesLabels, __name__: seriesName, ...rule.labels, alertname: rule.name, severity: rule.severity, rule: rule.name };
}

/**
 * Evaluates threshold rules against the metrics store, Prometheus style: a series whose
 * reduced value meets the condition is pending, and fires once it has held for `for`.
 * The pending/firing state is persisted with each evaluation, so after a restart a
 * firing series is not fired again and a pending one keeps its start time.
 */
export class RuleEvaluator {
  readonly #db: Db;
  readonly #rules: RuleStore;
  readonly #metrics: MetricsQuery;
  readonly #ingest: (events: AlertEvent[]) => void;

  constructor(db: Db, rules: RuleStore, metrics: MetricsQuery, ingest: (events: AlertEvent[]) => void) {
    this.#db = db;
    this.#rules = rules;
    this.#metrics = metrics;
    this.#ingest = ingest;
  }

  /** Rules on the embedded store; PromQL rules (datasourceId) are queried by the data sources feature, which calls `evaluate` with their series. */
  evaluateAll(now: number): void {
    for (const rule of this.#rules.list()) if (rule.enabled && rule.datasourceId === null) this.evaluate(rule, now);
  }

  evaluate(rule: Rule, now: number, fetched?: ReturnType<MetricsQuery['query']>): void {
    try {
      const series = fetched ?? this.#metrics.query(rule.selector, now - rule.windowSeconds * 1000, now);
      // Rule state and the alerts it raises commit together: a crash between them cannot
      // leave a series marked firing without its alert, or fire it twice.
      this.#db.transaction(() => {
        const events = this.#step(rule, series, now);
        if (events.length > 0) this.#ingest(events);
      })();
    } catch (error) {
      this.#rules.markEvaluated(rule.id, now, (error as Error).message);
    }
  }

  /** Forgets a rule's series (before it is changed or deleted), resolving the firing ones. */
  retire(ruleId: number, now: number): void {
    this.#db.transaction(() => {
      const events: AlertEvent[] = [];
      for (const state of this.#rules.seriesOf(ruleId)) {
        this.#rules.dropSeries(ruleId, state.seriesKey);
        if (state.state === 'firing') events.push({ source: 'rule', status: 'resolved', labels: state.labels, endsAt: now });
      }
      if (events.length > 0) this.#ingest(events);
    })();
  }

  #step(rule: Rule, series: ReturnType<MetricsQuery['query']>, now: number): AlertEvent[] {
    const previous = new Map<string, SeriesState>(this.#rules.seriesOf(rule.id).map((s) => [s.seriesKey, s]));
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const { name, labels, samples } of series) {
      const value = reduce(samples, rule.condition.reducer);
      if (value === null || !holds(value, rule.condition)) continue;
      const key = seriesKeyOf(name, labels);
      seen.add(key);
      const before = previous.get(key);
      const since = before?.since ?? now;
      const firing = before?.state === 'firing' || now - since >= rule.forSeconds * 1000;
      const alertLabels = ruleAlertLabels(rule, name, labels);
      this.#rules.putSeries(rule.id, { seriesKey: key, labels: alertLabels, state: firing ? 'firing' : 'pending', since, value });
      if (firing && before?.state !== 'firing') {
        const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, value, labels)]));
        events.push({ source: 'rule', status: 'firing', labels: alertLabels, annotations: { ...annotations, value: String(value) }, severity: rule.severity, startsAt: now });
      }
    }
    for (const [key, state] of previous) {
      if (seen.has(key)) continue;
      this.#rules.dropSeries(rule.id, key);
      if (state.state === 'firing') events.push({ source: 'rule', status: 'resolved', labels: state.labels, endsAt: now });
    }
    this.#rules.markEvaluated(rule.id, now, null);
    return events;
  }
}
