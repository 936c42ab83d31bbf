import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { MAX_SERIES_PER_SELECTOR, MAX_SUMMARISED_SERIES } from './metrics-summary.ts';

/**
 * The export summarises the series behind each alert's selector. It read every series the
 * selector matched, all their raw samples as `[ts, value]` pairs, and then kept 20: an alert
 * naming a job (`{job="node"}`: every series of every node exporter) made one viewer's
 * export hold ~63 bytes per stored sample (400 series of a day at 10 s: +218 MB, the event
 * loop held 0.8 s), and 1,000 alerts in one push, each naming another metric, multiplied it.
 */
describe('metrics read by an incident export', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  const now = Date.now();
  const samples = Array.from({ length: 5 }, (_, i) => [now - (5 - i) * 10_000, i] as [number, number]);

  async function exportReads(labelSets: Array<Record<string, string>>): Promise<{ reads: number; rows: string[]; md: string }> {
    const [first] = await Promise.all(labelSets.map(async (labels) => (await server.app.alerts.service.ingest([{ source: 'api', status: 'firing', labels, annotations: {} }]))[0]!));
    const incidentId = first!.alert.incidentId!;
    const reads = vi.spyOn(server.app.metrics.storage, 'readColumns');
    const md = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export?format=md` });
    expect(md.statusCode).toBe(200);
    const json = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/incidents/${incidentId}/export` });
    expect(json.statusCode).toBe(200);
    const summaries = (json.json() as { metricsWindow: { series: unknown[] } }).metricsWindow.series;
    const rows = md.body.split('\n').filter((line) => line.startsWith('| `node_'));
    expect(rows).toHaveLength(summaries.length);
    return { reads: reads.mock.calls.length / 2, rows, md: md.body };
  }

  it('reads only the series it summarises for one selector', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['alertname'] } } });
    await server.app.metrics.ingest(Array.from({ length: 60 }, (_, i) => ({ name: `node_metric_${i}`, labels: { job: 'node', instance: `h${i % 3}` }, samples })));

    const { reads, rows } = await exportReads([{ alertname: 'JobDown', job: 'node' }]);
    expect(rows).toHaveLength(MAX_SERIES_PER_SELECTOR);
    expect(reads).toBe(MAX_SERIES_PER_SELECTOR);
  });

  it('summarises at most a bounded number of series in all', async () => {
    server = await startTestServer({ alerts: { sweepIntervalMs: 0, grouping: { groupBy: ['alertname'] } } });
    const instances = Math.ceil(MAX_SUMMARISED_SERIES / MAX_SERIES_PER_SELECTOR) + 3;
    await server.app.metrics.ingest(
      Array.from({ length: instances * MAX_SERIES_PER_SELECTOR }, (_, i) => ({ name: `node_metric_${i}`, labels: { instance: `h${i % instances}` }, samples })),
    );

    const { reads, rows, md } = await exportReads(Array.from({ length: instances }, (_, i) => ({ alertname: 'InstanceDown', instance: `h${i}` })));
    expect(rows).toHaveLength(MAX_SUMMARISED_SERIES);
    expect(reads).toBe(MAX_SUMMARISED_SERIES);
    expect(md).toContain(`At most ${MAX_SUMMARISED_SERIES} series are summarised`);
  });
});
