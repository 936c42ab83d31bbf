import type { MetricSummary } from '../../../shared/api/incidents.ts';
import type { MetricsQuery } from '../metrics/query.ts';

/** At most this many series per selector: a summary, not a dump of the store. */
const MAX_SERIES_PER_SELECTOR = 20;

/**
 * Min, average, maximum and last value of each series behind the incident's alerts over
 * its window, for the postmortem table and offline review. A selector the store cannot
 * answer is left out rather than failing the export.
 */
export async function summariseMetrics(metrics: MetricsQuery | undefined, selectors: readonly string[], from: number, to: number): Promise<MetricSummary[]> {
  if (!metrics) return [];
  const summaries: MetricSummary[] = [];
  for (const selector of selectors) {
    let series;
    try {
      series = await metrics.query(selector, from, to);
    } catch {
      continue;
    }
    for (const { name, labels, samples } of series.slice(0, MAX_SERIES_PER_SELECTOR)) {
      if (samples.length === 0) continue;
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const [, value] of samples) {
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
      }
      summaries.push({ selector, name, labels, samples: samples.length, min, avg: sum / samples.length, max, last: samples[samples.length - 1]![1] });
    }
  }
  return summaries;
}
