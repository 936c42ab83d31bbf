import type { SampleBatch } from '../store.ts';
import { formatOf, parseExposition } from './exposition.ts';

const SCRAPE_TIMEOUT_MS = 5000;

/**
 * What one scrape may bring: a target's answer is read whole and each sample becomes a
 * series, so a cardinality bomb (an exporter labelling by request id) or an answer without
 * end had the server hold as much as it was sent (300,000 series: ~300 MB more resident).
 * Past either bound the scrape fails as a whole with up = 0, as Prometheus fails one past
 * its `sample_limit` or `body_size_limit`. node_exporter exposes 1-3 thousand samples.
 */
export const SCRAPE_LIMITS = {
  /** Samples in one scrape by default (SMARTCLOUDOPS_SCRAPE_SAMPLE_LIMIT; kube-state-metrics of a large cluster needs more). */
  maxSamples: 50_000,
  /** Bytes of the answer, counted after gzip is undone (so a gzip bomb is bounded too). */
  maxBytes: 16 * 1024 * 1024,
} as const;

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
 * `maxSamples` 0 takes any number of samples.
 */
export async function scrapeTarget(url: string, now: number = Date.now(), maxSamples: number = SCRAPE_LIMITS.maxSamples): Promise<ScrapeResult> {
  const instance = new URL(url).host;
  const up = (value: number): SampleBatch => ({ name: 'up', labels: { instance }, samples: [[now, value]] });
  try {
    const response = await fetch(url, { headers: { accept: 'text/plain; version=0.0.4' }, signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await boundedText(response, SCRAPE_LIMITS.maxBytes);
    const batches: SampleBatch[] = [up(1)];
    // Asked for Prometheus's text format, some exporters answer OpenMetrics all the same.
    for (const sample of parseExposition(text, formatOf(response.headers.get('content-type')), { maxSamples: maxSamples === 0 ? Infinity : maxSamples })) {
      if (!Number.isFinite(sample.value)) continue;
      batches.push({ name: sample.name, labels: { instance, ...sample.labels }, samples: [[sample.ts ?? now, sample.value]] });
    }
    return { batches };
  } catch (error) {
    return { batches: [up(0)], error: `scrape of ${url} failed: ${(error as Error).message}` };
  }
}

/** The body as text, read until `maxBytes` and no further (the connection is then dropped). */
async function boundedText(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw new Error(`answered more than ${maxBytes / 1024 / 1024} MiB (the most one scrape reads)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, bytes).toString('utf8');
}
