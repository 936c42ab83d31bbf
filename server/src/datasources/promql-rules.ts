import type { Rule } from '../../../shared/api/alerts.ts';
import type { PromMatrix } from '../../../shared/api/datasources.ts';
import { floatSeries } from '../../../shared/metrics/native-histograms.ts';
import { parsePromValue } from '../../../shared/metrics/prom-values.ts';
import type { SeriesSamples } from '../metrics/query.ts';
import { matrixOf } from './matrix-answer.ts';
import type { QueryProxy } from './proxy.ts';
import { PeriodicTask } from '../core/periodic-task.ts';

/** The part of the alerts feature a PromQL rule needs: its definitions, its evaluator, its error slot. */
export interface RuleHost {
  rules: { list(): Promise<Rule[]>; markEvaluated(ruleId: number, at: number, error: string | null): Promise<void> };
  evaluator: { evaluate(rule: Rule, now: number, fetched: SeriesSamples[]): Promise<void> } | null;
}

/**
 * A range answer as the rule evaluator reads series: name, labels (without `__name__`),
 * non-NaN float samples. Native histogram samples have no single value to compare: a series
 * of them only is left out, and an answer of nothing else is an error that says what to
 * query instead (the rule's error, shown where the rule is).
 */
export function matrixToSeries(matrix: PromMatrix, fallbackName: string, expr = ''): SeriesSamples[] {
  return floatSeries(matrix.result, expr, 'compare with a threshold').map(({ metric, values = [] }) => {
    const { __name__: name, ...labels } = metric;
    const samples: Array<readonly [number, number]> = [];
    for (const [seconds, text] of values) {
      const value = parsePromValue(text);
      if (!Number.isNaN(value)) samples.push([Math.round(seconds * 1000), value] as const);
    }
    return { name: name ?? fallbackName, labels, samples };
  });
}

/**
 * Evaluates threshold rules whose series come from a data source: on the alerts feature's
 * schedule, each enabled rule's expression is queried over its window through the proxy
 * (our step policy, timeout and cache) and handed to the same evaluator as embedded rules,
 * so `for`, labels, annotations and persisted pending/firing state behave identically.
 */
export class PromqlRuleRunner {
  readonly #host: RuleHost;
  readonly #proxy: QueryProxy;
  readonly #now: () => number;
  readonly #isLeader: () => boolean;
  readonly #onError: (error: unknown) => void;
  #schedule: PeriodicTask | undefined;
  /**
   * Each rule's evaluation in progress. A pass starts the rules not in flight and does not
   * wait for them: one source that hangs (up to its timeout) holds back its own rules only,
   * never those of the other sources, and its rules never stack a second query behind the first.
   */
  readonly #inFlight = new Map<number, Promise<void>>();

  /**
   * `isLeader`: with replicas, only the leader of scheduled work evaluates (a rule fires once).
   * `onError`: a pass that could not run at all (the rules could not be read); the next tick tries again.
   */
  constructor(host: RuleHost, proxy: QueryProxy, now: () => number, isLeader: () => boolean = () => true, onError: (error: unknown) => void = () => undefined) {
    this.#host = host;
    this.#proxy = proxy;
    this.#now = now;
    this.#isLeader = isLeader;
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0 || !this.#host.evaluator) return;
    this.#schedule ??= new PeriodicTask(async () => (this.#isLeader() ? this.evaluateAll() : undefined), { everyMs: intervalMs, onError: this.#onError });
    this.#schedule.start();
  }

  async stop(): Promise<void> {
    await this.#schedule?.stop();
    await Promise.allSettled(this.#inFlight.values());
  }

  /** Starts the evaluation of every enabled PromQL rule not already being evaluated; resolves once they are started. */
  async evaluateAll(): Promise<void> {
    const rules = (await this.#host.rules.list()).filter((rule) => rule.enabled && rule.datasourceId !== null && rule.expr !== null);
    for (const rule of rules) {
      if (this.#inFlight.has(rule.id)) continue;
      const evaluation = this.evaluate(rule)
        .catch((error: unknown) => this.#onError(error))
        .finally(() => this.#inFlight.delete(rule.id));
      this.#inFlight.set(rule.id, evaluation);
    }
  }

  async evaluate(rule: Rule): Promise<void> {
    const now = this.#now();
    let series: SeriesSamples[];
    try {
      const answer = await this.#proxy.queryRange(rule.datasourceId!, { query: rule.expr!, start: String((now - rule.windowSeconds * 1000) / 1000), end: String(now / 1000) });
      series = matrixToSeries(matrixOf(answer), rule.name, rule.expr!);
    } catch (error) {
      // The source is down or the expression fails: the rule says so; its series keep their state.
      await this.#host.rules.markEvaluated(rule.id, now, (error as Error).message);
      return;
    }
    await this.#host.evaluator?.evaluate(rule, now, series);
  }
}
