import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

function value(exposition: string, series: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  if (!line) throw new Error(`${series} not exported`);
  return Number(line.slice(series.length + 1));
}

describe('the server\'s own metrics', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('count ingested samples and report the webhook queue, scoring backlog and database size', async () => {
    server = await startTestServer({ config: { collectIntervalSeconds: 0 } });
    const scrape = async () => (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = value(await scrape(), 'smartcloudops_samples_ingested_total');
    const now = Date.now();
    const ingest = await server.injectAs('admin', {
      method: 'POST',
      url: '/api/v1/metrics/ingest',
      payload: { series: [{ name: 'probe_value', labels: { instance: 'a' }, samples: [[now - 2000, 1], [now - 1000, 2], [now, 3]] }] },
    });
    expect(ingest.statusCode).toBe(200);
    const after = await scrape();
    expect(value(after, 'smartcloudops_samples_ingested_total') - before).toBe(3);
    expect(value(after, 'smartcloudops_webhook_deliveries{status="pending"}')).toBe(0);
    expect(value(after, 'smartcloudops_webhook_deliveries{status="failed"}')).toBe(0);
    expect(value(after, 'smartcloudops_webhook_oldest_pending_seconds')).toBe(0);
    expect(value(after, 'smartcloudops_anomaly_scoring_backlog')).toBeGreaterThanOrEqual(0);
    // WAL mode: the schema and samples sit in the log until a checkpoint copies them over.
    const main = value(after, 'smartcloudops_database_size_bytes{file="main"}');
    const wal = value(after, 'smartcloudops_database_size_bytes{file="wal"}');
    expect(main).toBeGreaterThan(0);
    expect(main + wal).toBeGreaterThan(64 * 1024);
  });
});
