import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { QueryCache } from '../metrics/query-cache.ts';
import { SCORING_PAGE_ROWS } from '../anomaly/service.ts';

/**
 * Queues are bounded and a full one sheds load at the door: ingest answers 503 with
 * Retry-After while too many stored samples wait to be scored, the scorer holds at most a
 * page of them in memory however far behind it is, nothing is dropped (every stored time
 * is scored once scoring catches up), and ingest is accepted again once it has.
 */
describe('bounded queues and load shedding', () => {
  let server: TestServer;
  const MAX_BACKLOG = 50;
  const MIN_TRAIN_ROWS = 20;

  beforeAll(async () => {
    // Training on the 20th row keeps the target's queue busy in a worker while batches keep coming.
    server = await startTestServer({ anomaly: { maxBacklog: MAX_BACKLOG, minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1 } });
  });
  afterAll(() => server.close());

  let batch = 0;
  let accepted = 0;
  const ingest = () => {
    const start = Date.UTC(2026, 0, 1) + batch++ * 2_000_000;
    const samples = Array.from({ length: 2000 }, (_, i) => [start + i * 1000, Math.sin(i)]);
    return server.injectAs('admin', { method: 'POST', url: '/api/v1/metrics/ingest', payload: { series: [{ name: 'shed_test', labels: { host: 'shed-1' }, samples }] } });
  };

  it('answers 503 with Retry-After while the scoring backlog is full, holds at most a page in memory, drops nothing and recovers', async () => {
    let shed: Awaited<ReturnType<typeof ingest>> | undefined;
    for (let attempt = 0; attempt < 200 && !shed; attempt++) {
      const response = await ingest();
      expect(server.app.anomaly.backlog.held).toBeLessThanOrEqual(SCORING_PAGE_ROWS);
      if (response.statusCode === 503) shed = response;
      else {
        expect(response.statusCode).toBe(200);
        accepted += 2000;
      }
    }
    expect(shed, 'ingest was never shed').toBeDefined();
    expect(shed!.headers['retry-after']).toBe('5');
    expect(shed!.json().error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(server.app.anomaly.backlog.waiting).toBeGreaterThanOrEqual(MAX_BACKLOG);
    // Reads are not shed.
    expect((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/metrics/series' })).statusCode).toBe(200);

    await server.app.anomaly.idle();
    expect(server.app.anomaly.backlog).toMatchObject({ waiting: 0, held: 0 });
    // Every accepted time is scored but those the first model was trained on.
    expect((await server.app.metrics.storage.readScores('shed-1', 0, Number.MAX_SAFE_INTEGER)).length).toBe(accepted - MIN_TRAIN_ROWS);
    expect((await ingest()).statusCode).toBe(200);
  }, 300_000);
});

describe('query cache bound in bytes', () => {
  const answer = (n: number) => ({ resolution: 'raw' as const, timestamps: Float64Array.from({ length: n }, (_, i) => i), values: new Float64Array(n).fill(1) });

  it('counts keys and bookkeeping, not only points, and keeps no answer larger than itself', () => {
    const cache = new QueryCache({ maxBytes: 100_000 });
    // Many tiny answers under long keys: few points, yet they fill the cache.
    for (let i = 0; i < 1000; i++) cache.set(`${'k'.repeat(500)}${i}`, i, 0, 10, answer(1));
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.stats().entries).toBeLessThan(1000);
    cache.set('huge', 1, 0, 10, answer(100_000));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.stats().points).toBe(cache.stats().entries);
  });
});
