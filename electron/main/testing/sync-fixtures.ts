import { createApiClient, type Transport } from '../../../shared/api/client.ts';
import type { IngestRequest } from '../../../shared/api/metrics.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { canonicalLabels } from '../../../shared/metrics/canonical-labels.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);

/** `series` series of `count` samples from T0 + offset, in time order (as collectors write). */
export function ingestBody(series: number, count: number, offset = 0): IngestRequest {
  return {
    series: Array.from({ length: series }, (_, s) => ({
      name: 'cpu_usage',
      labels: { host: `web-${s}` },
      samples: Array.from({ length: count }, (_, i): [number, number] => [T0 + (offset + i) * STEP, s * 1000 + offset + i]),
    })),
  };
}

/** Every sample the server holds, read through its own export, as `seriesKey@ts -> value`. */
export async function serverSamples(transport: Transport): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const api = createApiClient(transport);
  let after: string | undefined;
  for (;;) {
    const page = await api.metrics.export({ query: { limit: 100_000, ...(after === undefined ? {} : { after }) } });
    const names = new Map(page.series.map((s) => [s.id, `${s.name}${JSON.stringify(s.labels)}`]));
    page.seriesIds.forEach((id, i) => out.set(`${names.get(id)}@${page.timestamps[i]}`, page.values[i]!));
    if (!page.more) return out;
    after = page.cursor;
  }
}

export function cacheSamples(cache: LocalCache): Map<string, number> {
  const out = new Map<string, number>();
  for (const series of cache.metrics.listSeries()) {
    const key = `${series.name}${canonicalLabels(series.labels)}`;
    const points = cache.metrics.range(series.id, -Infinity, Infinity);
    points.ts.forEach((ts, i) => out.set(`${key}@${ts}`, points.values[i]!));
  }
  return out;
}
