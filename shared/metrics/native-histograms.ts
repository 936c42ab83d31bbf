/**
 * Prometheus's native (sparse) histograms in query answers. Prometheus 2.40+ with the
 * feature on, and Prometheus 3, Mimir and VictoriaMetrics, answer a histogram series with
 * `histograms` (a range query) or `histogram` (an instant query) where a float series has
 * `values` / `value`; one answer may hold both kinds. A histogram sample is a distribution,
 * not a number: a line chart, a threshold or a model needs one number per sample, which
 * PromQL's histogram functions give. These helpers word that advice the same way everywhere.
 */

/** A plain selector (`name`, `name{…}`, `{…}`), which a suggestion wraps in `rate(…[5m])`. */
const PLAIN_SELECTOR = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*)?(?:\{[^{}]*\})?$/;

/** PromQL expressions that give numbers from the histograms `query` answers. */
export function histogramSuggestions(query: string): string[] {
  const trimmed = query.trim();
  const inner = trimmed !== '' && PLAIN_SELECTOR.test(trimmed) ? `rate(${trimmed}[5m])` : trimmed;
  return [`histogram_quantile(0.9, ${inner})`, `histogram_count(${inner})`, `histogram_sum(${inner})`];
}

function advice(query: string): string {
  const [quantile, count, sum] = histogramSuggestions(query);
  return `query a number from them instead, e.g. ${quantile}, ${count} or ${sum}`;
}

/** For a chart: which series it leaves out (the suggestions follow it, as the view shows them). */
export function histogramChartLead(histogramSeries: number, totalSeries: number): string {
  return histogramSeries === totalSeries
    ? `The query answers native histograms (${histogramSeries} series), which a line chart cannot draw`
    : `${histogramSeries} of ${totalSeries} series hold native histograms and are not drawn`;
}

/** For a rule or an anomaly watch whose expression answers histograms only. */
export function histogramOnlyError(query: string, histogramSeries: number, purpose: string): string {
  return `The expression answers native histograms only (${histogramSeries} series), which have no single value to ${purpose}: ${advice(query)}.`;
}

/** A series of a range answer: float samples, native histogram samples, or both. */
interface MatrixSeries {
  values?: unknown[];
  histograms?: unknown[];
}

/** Whether a series has float samples to read (a series that names neither kind counts as floats). */
export function holdsFloats(series: MatrixSeries): boolean {
  return series.values !== undefined || series.histograms === undefined;
}

export function holdsHistograms(series: MatrixSeries): boolean {
  return (series.histograms?.length ?? 0) > 0;
}

/**
 * The float series of an answer, for what needs one number per sample (rules, watches);
 * an answer of histograms only throws the advice of `histogramOnlyError`.
 */
export function floatSeries<S extends MatrixSeries>(result: readonly S[], query: string, purpose: string): S[] {
  const floats = result.filter(holdsFloats);
  if (floats.length === 0 && result.length > 0) throw new Error(histogramOnlyError(query, result.length, purpose));
  return floats;
}
