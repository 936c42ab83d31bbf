import type { SampleBatch } from '../store.ts';
import { formatOf, parseExpositionInSlices, type ExpositionLimits } from './exposition.ts';

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
  /**
   * Labels of one series (SMARTCLOUDOPS_SCRAPE_LABEL_LIMIT): twice what the ingest API takes,
   * since kube-state-metrics' `kube_*_labels` carry a workload's Kubernetes labels.
   */
  maxLabels: 64,
  /** Bytes of a label name (SMARTCLOUDOPS_SCRAPE_LABEL_NAME_LENGTH_LIMIT); exporters' names are tens. */
  maxLabelNameLength: 256,
  /** Bytes of a label value (SMARTCLOUDOPS_SCRAPE_LABEL_VALUE_LENGTH_LIMIT), Grafana Mimir's default: a 1 MB value was stored in every sample's series. */
  maxLabelValueLength: 2048,
} as const;

/** The per-scrape limits a server is configured with; 0 in any of them is no limit, as in Prometheus. */
export type ScrapeLimitSettings = Required<ExpositionLimits>;

/**
 * A sample the exporter stamps this far past the scrape is dropped (Grafana Mimir's
 * creation grace period): stored, a sample from 2100 stayed the series' latest value for
 * good, and retention never reached it.
 */
export const FUTURE_GRACE_MS = 10 * 60 * 1000;

export interface ScrapeResult {
  batches: SampleBatch[];
  /** Why the scrape failed; `batches` then holds only `up` = 0. */
  error?: string;
  /** What a good scrape left out (samples stamped before 1970 or in the future). */
  warning?: string;
}

/**
 * Scrapes one Prometheus exposition endpoint (node_exporter and the like). Every series
 * gets `instance` = the target's host:port unless the exporter set one; `up{instance}` is
 * 1 after a good scrape and 0 after a failed one, as in Prometheus, so that a dead target
 * is something an alert rule can see. Values that are not finite (NaN, ±Inf) are skipped.
 * A limit of 0 is none. The answer is parsed in slices (a 50,000-line answer took ~0.5 s).
 */
export async function scrapeTarget(url: string, now: number = Date.now(), limits: Partial<ScrapeLimitSettings> = {}): Promise<ScrapeResult> {
  const instance = new URL(url).host;
  const up = (value: number): SampleBatch => ({ name: 'up', labels: { instance }, samples: [[now, value]] });
  try {
    const response = await fetch(url, { headers: { accept: 'text/plain; version=0.0.4' }, signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await boundedText(response, SCRAPE_LIMITS.maxBytes);
    const batches: SampleBatch[] = [up(1)];
    // Asked for Prometheus's text format, some exporters answer OpenMetrics all the same.
    const samples = await parseExpositionInSlices(text, formatOf(response.headers.get('content-type')), expositionLimits(limits));
    let outOfBounds = 0;
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      const ts = sample.ts ?? now;
      if (ts < 0 || ts > now + FUTURE_GRACE_MS) {
        outOfBounds++;
        continue;
      }
      batches.push({ name: sample.name, labels: { instance, ...sample.labels }, samples: [[ts, sample.value]] });
    }
    if (outOfBounds === 0) return { batches };
    return { batches, warning: `scrape of ${url} left out ${outOfBounds} sample(s) stamped before 1970 or more than ${FUTURE_GRACE_MS / 60_000} minutes ahead of the scrape` };
  } catch (error) {
    return { batches: [up(0)], error: `scrape of ${url} failed: ${(error as Error).message}` };
  }
}

/** The configured limits with the defaults filled in and 0 read as none. */
function expositionLimits(limits: Partial<ScrapeLimitSettings>): ScrapeLimitSettings {
  const none = (value: number) => (value === 0 ? Infinity : value);
  return {
    maxSamples: none(limits.maxSamples ?? SCRAPE_LIMITS.maxSamples),
    maxLabels: none(limits.maxLabels ?? SCRAPE_LIMITS.maxLabels),
    maxLabelNameLength: none(limits.maxLabelNameLength ?? SCRAPE_LIMITS.maxLabelNameLength),
    maxLabelValueLength: none(limits.maxLabelValueLength ?? SCRAPE_LIMITS.maxLabelValueLength),
  };
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
