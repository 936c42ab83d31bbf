import type { AlertEvent, Labels, Rule } from '../../../../shared/api/alerts.ts';
import { boundedKey } from '../../core/bounded-key.ts';
import type { HostTransaction } from '../../core/unit-of-work.ts';
import { holds, expand, reduce } from './condition.ts';
import type { MetricsQuery, SeriesSamples } from '../../metrics/query.ts';
import type { RuleStore, SeriesChanges, SeriesState } from './store.ts';

/** A series' identity within its rule: its name and sorted labels (bounded: the key is in a primary key). */
function seriesKeyOf(name: string, labels: Labels): string {
  return boundedKey(`${name}${JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))))}`);
}

/** The labels of the alert a rule raises for one series. */
export function ruleAlertLabels(rule: Pick<Rule, 'name' | 'labels' | 'severity'>, seriesName: string, seriesLabels: Labels): Labels {
  return { ...seriesLabels, __name__: seriesName, ...rule.labels, alertname: rule.name, severity: rule.severity, rule: rule.name };
}

/** A refusal returned out of a rule's transaction (the SQLite rule: return, never throw, inside it). */
interface Outcome {
  error: string | null;
}

/**
 * Evaluates threshold rules against the metrics store, Prometheus style: a series whose
 * reduced value meets the condition is pending, and fires once it has held for `for`.
 * The pending/firing state is persisted with each evaluation (on the query layer, shared by
 * the replicas on PostgreSQL), so after a restart, or when another replica takes over the
 * lead, a firing series is not fired again and a pending one keeps its start time.
 *
 * One evaluation reads the rule's series, raises its alerts and writes the new state in one
 * transaction of the rule store: the alerts are ingested in that transaction (they are in
 * the same database on both dialects), so the state and the alerts commit together, or
 * neither does (the failure is then recorded on the rule).
 */
/** Ingests a rule's alerts in the rule's transaction (`within`); what they announce waits for its commit. */
export type RuleIngest = (events: AlertEvent[], within: HostTransaction) => Promise<unknown>;

export class RuleEvaluator {
  readonly #rules: RuleStore;
  readonly #metrics: MetricsQuery;
  readonly #ingest: RuleIngest;

  constructor(rules: RuleStore, metrics: MetricsQuery, ingest: RuleIngest) {
    this.#rules = rules;
    this.#metrics = metrics;
    this.#ingest = ingest;
  }

  /** Rules on the embedded store; PromQL rules (datasourceId) are queried by the data sources feature, which calls `evaluate` with their series. */
  async evaluateAll(now: number): Promise<void> {
    for (const rule of await this.#rules.list()) if (rule.enabled && rule.datasourceId === null) await this.evaluate(rule, now);
  }

  async evaluate(rule: Rule, now: number, fetched?: SeriesSamples[]): Promise<void> {
    let outcome: Outcome;
    const announce: Array<() => void> = [];
    try {
      const series = fetched ?? (await this.#metrics.query(rule.selector, now - rule.windowSeconds * 1000, now));
      outcome = await this.#rules.transaction(rule.id, async (store) => {
        // Changed or deleted since it was listed: the retirement has run; this result is stale.
        if ((await store.versionOf(rule.id)) !== rule.updatedAt) return { error: null };
        const previous = await store.seriesOf(rule.id);
        const { changes, events } = step(rule, previous, series, now);
        await this.#raise(events, store, announce);
        await store.applySeries(rule.id, changes);
        await store.markEvaluated(rule.id, now, null);
        return { error: null };
      });
    } catch (error) {
      outcome = { error: (error as Error).message };
    }
    // Committed: the stream and the webhook dispatcher hear of the alerts now, not before.
    if (outcome.error === null) for (const task of announce) task();
    else await this.#rules.markEvaluated(rule.id, now, outcome.error);
  }

  /** Forgets a rule's series (before it is changed or deleted), resolving the firing ones. */
  async retire(ruleId: number, now: number): Promise<void> {
    const announce: Array<() => void> = [];
    const outcome = await this.#rules.transaction(ruleId, async (store): Promise<Outcome> => {
      const previous = await store.seriesOf(ruleId);
      const events: AlertEvent[] = previous.filter((state) => state.state === 'firing').map((state) => ({ source: 'rule', status: 'resolved', labels: state.labels, endsAt: now }));
      await this.#raise(events, store, announce);
      await store.applySeries(ruleId, { put: [], drop: previous.map((state) => state.seriesKey) });
      return { error: null };
    });
    if (outcome.error !== null) throw new Error(`Could not resolve the alerts of rule ${ruleId}: ${outcome.error}`);
    for (const task of announce) task();
  }

  /** Ingests in the rule's transaction; a failure rolls the evaluation back with its alerts. */
  async #raise(events: AlertEvent[], store: RuleStore, announce: Array<() => void>): Promise<void> {
    if (events.length > 0) await this.#ingest(events, { executor: store.executor, afterCommit: announce });
  }
}

/** One evaluation's outcome: the series' new state and the alerts to raise or resolve. */
function step(rule: Rule, previousList: SeriesState[], series: readonly SeriesSamples[], now: number): { changes: SeriesChanges; events: AlertEvent[] } {
  const previous = new Map<string, SeriesState>(previousList.map((s) => [s.seriesKey, s]));
  const events: AlertEvent[] = [];
  const changes: SeriesChanges = { put: [], drop: [] };
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
    changes.put.push({ seriesKey: key, labels: alertLabels, state: firing ? 'firing' : 'pending', since, value });
    if (firing && before?.state !== 'firing') {
      const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, value, labels)]));
      events.push({ source: 'rule', status: 'firing', labels: alertLabels, annotations: { ...annotations, value: String(value) }, severity: rule.severity, startsAt: now });
    }
  }
  for (const [key, state] of previous) {
    if (seen.has(key)) continue;
    changes.drop.push(key);
    if (state.state === 'firing') events.push({ source: 'rule', status: 'resolved', labels: state.labels, endsAt: now });
  }
  return { changes, events };
}
