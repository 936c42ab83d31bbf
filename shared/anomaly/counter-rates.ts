/**
 * Counters are scored as their per-second rate, never as the cumulative value.
 *
 * A counter (`requests_total`, node_exporter's `node_cpu_seconds_total`, a histogram's
 * `_bucket`, `_count` and `_sum`) only grows, so its stored value leaves any training range
 * by the next day: scored as it is, every scraped node_exporter target paged about once a
 * day for nothing (docs/anomaly.md, "Odd streams"). Its rate is what moves when something
 * happens. Which series are counters is read from the name, by the Prometheus naming
 * convention (OpenMetrics requires `_total` of counters; the other suffixes are the parts of
 * histograms and summaries), since the ingest API carries no metric type.
 */

const CUMULATIVE_SUFFIX = /_(?:total|count|sum|bucket)$/;

/** Whether a metric of that name is cumulative by the Prometheus naming convention. */
export function isCumulativeName(name: string): boolean {
  return CUMULATIVE_SUFFIX.test(name);
}

/** The key a counter's rate is scored, explained and alerted under: PromQL's words for it. */
export function rateKey(key: string): string {
  return `rate(${key})`;
}

/** Whether a feature key is a counter's rate (`rateKey`). */
export function isRateKey(key: string): boolean {
  return key.startsWith('rate(') && key.endsWith(')');
}

/**
 * Per-second rates of cumulative series, one series per key, fed in time order. Keeps each
 * key's previous sample, as PromQL's `rate()` reads its window.
 */
export class CounterRates {
  readonly #last = new Map<string, { ts: number; value: number }>();

  /**
   * The rate since the key's previous sample, per second (`ts` in ms). Undefined for the
   * first sample (nothing to compare with) and for a time not after the previous one (a
   * replayed or replaced sample: the previous stays the reference). A decrease is a counter
   * reset (the process restarted and counted again from 0), Prometheus's rule: the
   * increase is the new value.
   */
  rate(key: string, ts: number, value: number): number | undefined {
    const last = this.#last.get(key);
    if (last !== undefined && ts <= last.ts) return undefined;
    this.#last.set(key, { ts, value });
    if (last === undefined) return undefined;
    const increase = value >= last.value ? value - last.value : value;
    return (increase * 1000) / (ts - last.ts);
  }

  /**
   * Rows in time order, in place: each rate key's cumulative value becomes its rate, or is
   * removed where there is none yet (a metric not seen yet; FeatureBuilder.fillUnseen).
   */
  ratesOf<Row extends { ts: number; values: Record<string, number> }>(rows: readonly Row[]): void {
    for (const row of rows) {
      for (const key in row.values) {
        if (!isRateKey(key)) continue;
        const rate = this.rate(key, row.ts, row.values[key]!);
        if (rate === undefined) delete row.values[key];
        else row.values[key] = rate;
      }
    }
  }
}
