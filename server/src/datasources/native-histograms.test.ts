import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../shared/api/anomaly-watches.ts';
import type { AlertPage, Rule } from '../../../shared/api/alerts.ts';
import type { Datasource, PromMatrix, PromResponse, PromVector } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { startNativeHistogramExporter, type NativeHistogramExporter } from '../testing/native-histogram-exporter.ts';
import { prometheusMissing, startPrometheus, waitForSeries, type RunningPrometheus } from '../testing/prometheus.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const MISSING = prometheusMissing();
if (MISSING) console.warn(`native histogram tests ${MISSING}`);

/**
 * Native histograms as a real Prometheus answers them (2.40+ with the feature on; every
 * series of a classic histogram family becomes one series of distributions): the proxy
 * passes them through, and what needs one number per sample (rules, watches) leaves them
 * out or says what to query instead, rather than failing on a missing `values`.
 */
describe.skipIf(MISSING !== null)('native histograms from a Prometheus source', () => {
  let prometheus: RunningPrometheus;
  let exporter: NativeHistogramExporter;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    exporter = await startNativeHistogramExporter({ histogram: 'sco_nh_request_seconds', gauge: 'sco_nh_workers', gaugeValue: 3 });
    for (const value of [0.1, 0.3, 2, 5, 5, 0, 300]) exporter.observe(value);
    prometheus = await startPrometheus({ targets: [exporter.target], flags: ['--enable-feature=native-histograms'] });
    await waitForSeries(prometheus, 'sco_nh_request_seconds');
    await waitForSeries(prometheus, 'sco_nh_workers');
    server = await startTestServer({ alerts: { ruleIntervalMs: 250 }, datasources: { watches: { minStepSeconds: 1 } } }); // watches pulled every second
    await server.app.ready();
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom-nh', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 1 } })).json() as Datasource;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.stop();
    await exporter?.stop();
  });

  const range = (query: string) => {
    const end = Math.floor(Date.now() / 1000);
    return `query_range?${new URLSearchParams({ query, start: String(end - 30), end: String(end), step: '1' })}`;
  };

  it('passes histogram answers through as Prometheus wrote them', async () => {
    // The first scrape can land within the current second, after a range that ends on a whole
    // second: asked again until the range holds the histogram (a condition, not a sleep).
    const { direct, proxied } = await eventually(
      async () => {
        const search = range('{__name__=~"sco_nh_.*"}');
        const direct = Buffer.from(await (await fetch(`${prometheus.url}/api/v1/${search}`)).arrayBuffer());
        const proxied = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/${search}` });
        return { direct, proxied };
      },
      ({ direct }) => (JSON.parse(direct.toString()) as PromResponse<PromMatrix>).data.result.some((series) => series.metric.__name__ === 'sco_nh_request_seconds'),
    );
    expect(proxied.statusCode, proxied.body).toBe(200);
    expect(proxied.rawPayload.equals(direct)).toBe(true);
    const matrix = (proxied.json() as PromResponse<PromMatrix>).data.result;
    const histogram = matrix.find((series) => series.metric.__name__ === 'sco_nh_request_seconds')!;
    expect(histogram.values).toBeUndefined();
    expect(histogram.histograms![0]![1]).toMatchObject({ count: '7', sum: '312.4' });
    expect(histogram.histograms![0]![1].buckets).toContainEqual([0, '4', '8', '2']);

    const instant = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=sco_nh_request_seconds` });
    const vector = (instant.json() as PromResponse<PromVector>).data.result;
    expect(vector[0]!.histogram![1].count).toBe('7');
  });

  it('gives a histogram-only rule an error that says what to query, and evaluates the float series of a mixed answer', async () => {
    const create = async (name: string, expr: string, threshold: number) => {
      const created = await server.injectAs('admin', {
        method: 'POST',
        url: '/api/v1/alert-rules',
        payload: { name, datasourceId: source.id, expr, condition: { reducer: 'last', op: '>', threshold }, windowSeconds: 30, forSeconds: 0 },
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json() as Rule;
    };
    const histogramOnly = await create('HistogramOnly', 'sco_nh_request_seconds', 1);
    const counted = await create('ManyRequests', 'histogram_count(sco_nh_request_seconds)', 5);
    const mixed = await create('MixedAnswer', '{__name__=~"sco_nh_.*"}', 2);

    const failed = await eventually(async () => (await server.app.alerts.rules.byId(histogramOnly.id))!, (rule) => rule.lastError !== null);
    expect(failed.lastError).toMatch(/native histograms only \(1 series\), which have no single value to compare with a threshold/);
    expect(failed.lastError).toContain('histogram_quantile(0.9, rate(sco_nh_request_seconds[5m]))');
    expect(failed.lastError).toContain('histogram_count(rate(sco_nh_request_seconds[5m]))');

    const firing = await eventually(
      async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?state=firing' })).json() as AlertPage).items,
      (items) => ['ManyRequests', 'MixedAnswer'].every((name) => items.some((alert) => alert.labels.alertname === name)),
    );
    expect(firing.find((alert) => alert.labels.alertname === 'MixedAnswer')!.labels).toMatchObject({ job: 'test' });
    expect(firing.filter((alert) => alert.labels.alertname === 'MixedAnswer')).toHaveLength(1);
    for (const rule of [counted, mixed]) expect((await server.app.alerts.rules.byId(rule.id))!.lastError).toBeNull();
  });

  it('refuses a watch on histograms only, and scores the float series of a mixed answer', async () => {
    const refused = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'nh-only', datasourceId: source.id, query: 'sco_nh_request_seconds', stepSeconds: 1 } });
    expect(refused.statusCode, refused.body).toBe(400);
    expect((refused.json() as { error: { message: string } }).error.message).toMatch(/native histograms only \(1 series\), which have no single value to score: .*histogram_quantile\(0\.9, rate\(sco_nh_request_seconds\[5m\]\)\)/);

    const mixed = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'nh-mixed', datasourceId: source.id, query: '{__name__=~"sco_nh_.*"}', stepSeconds: 1 } });
    expect(mixed.statusCode, mixed.body).toBe(201);
    const watch = mixed.json() as Watch;
    await server.app.datasources.runner.settled(watch.id);
    const after = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watch.id}` })).json() as Watch;
    expect(after.lastError).toBeNull();
    expect(after.series.map((series) => series.labels.__name__)).toEqual(['sco_nh_workers']);
    expect(after.series[0]!.samples).toBeGreaterThan(0);
  });

  it('reports on the watch when a query it follows starts answering histograms only', async () => {
    // Nothing matches yet, so the watch is accepted; then the exporter exposes the family.
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'nh-later', datasourceId: source.id, query: 'sco_nh_later_seconds', stepSeconds: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    const watch = created.json() as Watch;
    exporter.addHistogram('sco_nh_later_seconds');
    await waitForSeries(prometheus, 'sco_nh_later_seconds');
    const reported = await eventually(
      async () => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${watch.id}` })).json() as Watch,
      (view) => view.lastError !== null,
    );
    expect(reported.lastError).toMatch(/native histograms only \(1 series\), which have no single value to score/);
  });
});
