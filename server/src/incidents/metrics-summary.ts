import type { MetricSummary } from '../../../shared/api/incidents.ts';
import type { MetricsQuery } from '../metrics/query.ts';

/** At most this many series per selector: a summary, not a dump of the store. */
export const MAX_SERIES_PER_SELECTOR = 20;
/**
 * At most this many series in all. An incident's alerts are as many as its sources push (a
 * thousand in one request), each naming other series, and every export, any viewer's, reads
 * the raw samples of what it summarises.
 */
export const MAX_SUMMARISED_SERIES = 100;

/**
 * Min, average, maximum and last value of each series behind the incident's alerts over
 * its window, for the postmortem table and offline review. A selector the store cannot
 * answer is left out rather than failing the export. Only the series summarised are read:
 * reading every match and keeping 20 made an alert on `{job="node"}` load the raw samples
 * of every node exporter series (~63 bytes a sample as pairs) for one export.
 */
export async function summariseMetrics(metrics: MetricsQuery | undefined, selectors: readonly string[], from: number, to: number): Promise<MetricSummary[]> {
  if (!metrics) return [];
  const summaries: MetricSummary[] = [];
  for (const selector of selectors) {
    const room = Math.min(MAX_SERIES_PER_SELECTOR, MAX_SUMMARISED_SERIES - summaries.length);
    if (room <= 0) break;
    let series;
    try {
      series = await metrics.query(selector, from, to, room);
    } catch {
      continue;
    }
    for (const { name, labels, samples } of series) {
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
