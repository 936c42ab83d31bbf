import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { eventually } from '../testing/eventually.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const MIN_TRAIN_ROWS = 50;
const OPTIONS = { anomaly: { minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1, forest: { trees: 50, sampleSize: 64, seed: 1 } } };

/**
 * A counter scraped from an exporter (`http_requests_total`) is stored as its running total
 * and scored as its rate: a total leaves its training range every day, which paged for
 * nothing; its rate stays calm until the requests do something. Across a restart the
 * rates go on from the stored history.
 */
describe('counters scored as rates', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-counter-'));
  const random = createRandom(11);
  let server: TestServer | undefined;
  let now = T0;
  let total = 0;
  /** Minutes `from` .. `from + count` of ~20 requests a second (a burst of 200 a second at `burstAt`), as running totals. */
  const totals = (from: number, count: number, burstAt = -1): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = from; i < from + count; i++) {
      total += (i === burstAt ? 200 : 20 + 2 * (random.next() - 0.5)) * 60;
      out.push([T0 + i * STEP, Math.round(total)]);
    }
    now = T0 + (from + count - 1) * STEP;
    return out;
  };
  const ingest = async (samples: Array<[number, number]>) => {
    const response = await server!.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'http_requests_total', labels: { host: 'web-7' }, samples }] } });
    expect(response.statusCode).toBe(200);
    await server!.app.anomaly.idle();
  };
  const events = async () => (await server!.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/events?target=web-7' })).json() as Array<{ ts: number; summary: string }>;

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pages on a burst of requests, not on the growing total, and goes on after a restart', async () => {
    server = await startTestServer({ ...OPTIONS, dataDir, now: () => now });
    await ingest(totals(0, 400));
    const models = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/models?target=web-7' })).json() as Array<{ state: string; params: { metrics: string[] } }>;
    expect(models.find((m) => m.state === 'active')?.params.metrics).toEqual(['rate(http_requests_total)']);
    // The total left its training range again and again; the rate never did.
    expect(await events()).toEqual([]);

    // A restart: the stored history is read back as rates, and scoring goes on without an alarm.
    const app = server.app;
    await app.close();
    server = await startTestServer({ ...OPTIONS, dataDir, now: () => now });
    await ingest(totals(400, 100));
    expect(await events()).toEqual([]);
    expect(server.app.anomaly.status().scoringFailures).toBe(0);

    // Ten times the usual requests for a minute.
    await ingest(totals(500, 20, 510));
    const burst = (await events()).find((e) => e.ts === T0 + 510 * STEP);
    expect(burst?.summary).toMatch(/^rate\(http_requests_total\) 200(\.\d+)?, above anything in its training window/);
    const alerts = await eventually(
      async () => (await server!.injectAs('viewer', { method: 'GET', url: '/api/v1/alerts?source=anomaly' })).json() as { items: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> },
      (list) => list.items.some((a) => a.labels.target === 'web-7'),
    );
    expect(alerts.items.find((a) => a.labels.target === 'web-7')?.annotations.summary).toBe('Anomalous behaviour on web-7 (rate(http_requests_total))');
  });
});
