import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDetectorMetrics } from '../../../shared/anomaly/index.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { SeriesRef } from '../metrics/store.ts';
import { scoredSeries } from './wide-target.ts';

const STEP = 30_000;
const ROWS = 12;
const PODS = 60;
const TARGET = 'ksm:8080';

/**
 * A very wide target (kube-state-metrics is one `instance` of ~20,000 series) is scored on
 * at most `maxDetectorMetrics` (84) of its series, and only those are read: every page used
 * to read every series of the target in one synchronous pass on SQLite (a 20,000-series
 * target held the event loop 2.4-7.6 s a scrape, `bench/wide-target.bench.ts`) and its
 * window held all of them, to model 84 chosen by name (84 × kube_deployment_metadata_generation).
 */
describe('a very wide target', () => {
  let server: TestServer;
  const widest: number[] = [];
  const t0 = Math.floor((Date.now() - (ROWS + 2) * STEP) / STEP) * STEP;

  beforeAll(async () => {
    server = await startTestServer({ anomaly: { minTrainRows: 8, trainWindow: 16, workers: 1 } });
    // Every read of several series' first samples (a scoring page) records how many it read.
    const storage = server.app.metrics.storage;
    const readFirst = storage.readFirst.bind(storage);
    storage.readFirst = (ids, afterTs, n) => {
      widest.push(ids.length);
      return readFirst(ids, afterTs, n);
    };
    const series = Array.from({ length: PODS }, (_, p): Array<{ name: string; labels: Record<string, string> }> => [
      { name: 'kube_pod_info', labels: { instance: TARGET, pod: `pod-${p}`, node: `node-${p % 4}` } },
      { name: 'kube_pod_labels', labels: { instance: TARGET, pod: `pod-${p}`, label_app: `app-${p}` } },
      { name: 'kube_pod_created', labels: { instance: TARGET, pod: `pod-${p}` } },
      { name: 'kube_pod_status_ready', labels: { instance: TARGET, pod: `pod-${p}` } },
      { name: 'kube_pod_container_status_restarts_total', labels: { instance: TARGET, pod: `pod-${p}` } },
      ...(p < 30 ? [{ name: 'kube_deployment_metadata_generation', labels: { instance: TARGET, deployment: `app-${p}` } }] : []),
    ]).flat();
    expect(series.length).toBeGreaterThan(3 * maxDetectorMetrics());
    for (let row = 0; row < ROWS; row++) {
      await server.app.metrics.ingest(series.map((s, i) => ({ ...s, samples: [[t0 + row * STEP, (i + row) % 5] as [number, number]] })));
    }
    await server.app.anomaly.idle();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reads and holds only the series it models, each family represented, and says so', async () => {
    expect(Math.max(...widest)).toBeLessThanOrEqual(maxDetectorMetrics());
    const status = server.app.anomaly.status().targets.find((t) => t.target === TARGET)!;
    expect(status).toMatchObject({ series: 330, scoredSeries: maxDetectorMetrics() });
    const models = (await server.injectAs('admin', { method: 'GET', url: `/api/v1/anomaly/models?target=${TARGET}` })).json() as Array<{ params: { metrics: string[] } }>;
    const metrics = models[0]!.params.metrics;
    expect(metrics).toHaveLength(maxDetectorMetrics());
    const families = new Set(metrics.map((metric) => metric.replace(/^rate\(/, '').split(/[{)]/)[0]));
    // Constant by convention (info, labels, creation times) only when nothing else is left.
    expect([...families].sort()).toEqual(['kube_deployment_metadata_generation', 'kube_pod_container_status_restarts_total', 'kube_pod_status_ready']);
    // Every row was scored on those series: 12 rows, the first 8 trained the first model.
    expect(status.rows).toBe(ROWS);
  });
});

describe('the series a very wide target is scored on', () => {
  const ref = (id: number, name: string, pod: string): SeriesRef => ({ id, name, labels: { instance: 'ksm', pod } });
  const keyOf = (r: SeriesRef) => `${r.name}{${r.labels.pod}}`;
  const all = [ref(1, 'b_ready', 'p1'), ref(2, 'b_ready', 'p2'), ref(3, 'a_info', 'p1'), ref(4, 'c_restarts_total', 'p1'), ref(5, 'c_restarts_total', 'p0')];
  const live = (stale: number[] = []) => (r: SeriesRef) => (stale.includes(r.id) ? 1 : 2);

  it('takes every series up to what a model holds', () => {
    expect(scoredSeries(all, keyOf, new Set(), 5, live()).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes each family in turn, constant-by-convention families and series no longer sampled last', () => {
    expect(scoredSeries(all, keyOf, new Set(), 2, live()).map((r) => r.id)).toEqual([1, 5]);
    expect(scoredSeries(all, keyOf, new Set(), 3, live()).map((r) => r.id)).toEqual([1, 2, 5]);
    expect(scoredSeries(all, keyOf, new Set(), 4, live([2])).map((r) => r.id)).toEqual([1, 3, 4, 5]);
  });

  it('keeps what the model already takes, whatever else came', () => {
    // Without them it would be [1, 2, 5] (above).
    expect(scoredSeries(all, keyOf, new Set(['a_info{p1}', 'c_restarts_total{p1}']), 3, live()).map((r) => r.id)).toEqual([1, 3, 4]);
  });
});
