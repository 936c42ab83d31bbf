import type { SampleBatch } from '../store.ts';
import { formatOf, parseExposition } from './exposition.ts';

const SCRAPE_TIMEOUT_MS = 5000;

export interface ScrapeResult {
  batches: SampleBatch[];
  /** Why the scrape failed; `batches` then holds only `up` = 0. */
  error?: string;
}

/**
 * Scrapes one Prometheus exposition endpoint (node_exporter and the like). Every series
 * gets `instance` = the target's host:port unless the exporter set one; `up{instance}` is
 * 1 after a good scrape and 0 after a failed one, as in Prometheus, so that a dead target
 * is something an alert rule can see. Values that are not finite (NaN, ±Inf) are skipped.
 */
export async function scrapeTarget(url: string, now: number = Date.now()): Promise<ScrapeResult> {
  const instance = new URL(url).host;
  const up = (value: number): SampleBatch => ({ name: 'up', labels: { instance }, samples: [[now, value]] });
  try {
    const response = await fetch(url, { headers: { accept: 'text/plain; version=0.0.4' }, signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const batches: SampleBatch[] = [up(1)];
    // Asked for Prometheus's text format, some exporters answer OpenMetrics all the same.
    for (const sample of parseExposition(await response.text(), formatOf(response.headers.get('content-type')))) {
      if (!Number.isFinite(sample.value)) continue;
      batches.push({ name: sample.name, labels: { instance, ...sample.labels }, samples: [[sample.ts ?? now, sample.value]] });
    }
    return { batches };
  } catch (error) {
    return { batches: [up(0)], error: `scrape of ${url} failed: ${(error as Error).message}` };
  }
}
