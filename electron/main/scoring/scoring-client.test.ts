import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { ScoringClient } from './scoring-client.ts';
import { scoreCachedSeries } from './score-cached-series.ts';
import { workerThreadTransport } from './worker-thread-transport.ts';

const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** A noisy periodic signal (4 h period at 1 min) with one obvious spike near the end. */
function signal(n: number, spikeAt: number): { ts: number[]; values: number[] } {
  let seed = 42;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 2;
  const ts = Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const values = ts.map((_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 240) + noise() + (i >= spikeAt && i < spikeAt + 15 ? 60 : 0));
  return { ts, values };
}

describe('scoring worker', () => {
  let dir: string;
  let cache: LocalCache;
  let client: ScoringClient;
  const failures: { exitCode: number | null; failedRequests: number }[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-scoring-'));
    cache = openLocalCache(path.join(dir, 'profile.db'));
    failures.length = 0;
    client = new ScoringClient({ createTransport: workerThreadTransport({ testHooks: true }), onWorkerFailed: (failure) => failures.push(failure) });
  });
  afterEach(async () => {
    await client.close();
    cache.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function seedSeries(n: number, spikeAt: number): number {
    const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'cpu_usage', labels: { host: 'web-1' } }]);
    const { ts, values } = signal(n, spikeAt);
    cache.db.transaction(() => cache.metrics.insertSamples(ts.map(() => id!), ts, values))();
    return id!;
  }

  it('scores a cached series and stores the scores beside the samples', async () => {
    const n = 2_000;
    const id = seedSeries(n, 1_800);
    const progress: number[] = [];
    const output = await scoreCachedSeries(cache.metrics, client, { seriesId: id, fromTs: T0, toTs: T0 + n * STEP, minTrainRows: 300, trees: 50 }, { onProgress: (done) => progress.push(done) });

    expect(output.scores).toHaveLength(n);
    expect(progress.at(-1)).toBe(n);
    const stored = cache.metrics.range(id, T0, T0 + n * STEP);
    expect(stored.scores).toEqual(output.scores);
    const spike = Math.max(...stored.scores.slice(1_800, 1_830).map(Number));
    const calm = Math.max(...stored.scores.slice(1_000, 1_700).map(Number));
    // Whether it crosses the alarm threshold is the engine's calibration; here: it stands out.
    expect(spike).toBeGreaterThan(2 * calm);
  });

  it('scores a counter as its rate: a steadily growing total is calm, a burst of requests stands out, explained as rate()', async () => {
    const n = 2_000;
    const [id] = cache.metrics.upsertSeries([{ serverId: 1, name: 'http_requests_total', labels: { host: 'web-1' } }]);
    // The same signal as requests per second, stored as the running total a counter is.
    const { ts, values: perSecond } = signal(n, 1_800);
    let total = 0;
    const totals = perSecond.map((rate) => (total += (rate * STEP) / 1000));
    cache.db.transaction(() => cache.metrics.insertSamples(ts.map(() => id!), ts, totals))();
    const output = await scoreCachedSeries(cache.metrics, client, { seriesId: id!, fromTs: T0, toTs: T0 + n * STEP, minTrainRows: 300, trees: 50 });

    expect(output.scores).toHaveLength(n);
    // Every day of a total leaves its training range; its rate does not.
    expect(output.anomalies.filter((a) => a.ts < T0 + 1_800 * STEP)).toEqual([]);
    const spike = Math.max(...output.scores.slice(1_800, 1_830));
    const calm = Math.max(...output.scores.slice(1_000, 1_700));
    expect(spike).toBeGreaterThan(2 * calm);
    expect(output.anomalies.find((a) => a.ts >= T0 + 1_800 * STEP)?.summary).toContain('rate(http_requests_total)');
  });

  it('fails the pending request with E_WORKER_FAILED when the worker crashes, then serves the next on a fresh worker', async () => {
    const { ts, values } = signal(40_000, 39_000);
    const pending = client.score({ metric: 'cpu', ts, values, minTrainRows: 300, trees: 20 });
    client.crashWorkerForTest();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_WORKER_FAILED');
    expect(failures).toEqual([expect.objectContaining({ exitCode: 70, failedRequests: 1 })]);

    const small = signal(400, 390);
    const output = await client.score({ metric: 'cpu', ...small, minTrainRows: 100, trees: 10 });
    expect(output.scores).toHaveLength(400);
    expect(client.workersStarted).toBe(2);
  });

  it('cancels a running request, and the worker keeps serving', async () => {
    const { ts, values } = signal(200_000, 150_000);
    const controller = new AbortController();
    const pending = client.score({ metric: 'cpu', ts, values, minTrainRows: 300, trees: 20 }, { signal: controller.signal, onProgress: () => controller.abort() });
    const error = (await pending.catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('E_CANCELLED');

    const small = signal(400, 390);
    await expect(client.score({ metric: 'cpu', ...small, minTrainRows: 100, trees: 10 })).resolves.toMatchObject({ scores: expect.any(Array) });
    expect(client.workersStarted).toBe(1);
  });

  it('fails a request that outlives its timeout with E_TIMEOUT and replaces the worker', async () => {
    const slow = new ScoringClient({ createTransport: workerThreadTransport() });
    try {
      const { ts, values } = signal(400_000, 300_000);
      const error = (await slow.score({ metric: 'cpu', ts, values, minTrainRows: 300, trees: 20 }, { timeoutMs: 200 }).catch((e: unknown) => e)) as AppError;
      expect(error.code).toBe('E_TIMEOUT');
      const small = signal(400, 390);
      await expect(slow.score({ metric: 'cpu', ...small, minTrainRows: 100, trees: 10 })).resolves.toMatchObject({ scores: expect.any(Array) });
      expect(slow.workersStarted).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it('reports a bad request as a validation error without killing the worker', async () => {
    const error = (await client.score({ metric: 'cpu', ts: [1, 2], values: [1] }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('E_VALIDATION');
    await expect(client.score({ metric: 'cpu', ts: [1], values: [1] })).resolves.toEqual({ scores: [0], anomalies: [] });
    expect(client.workersStarted).toBe(1);
  });
});
