import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyScoreEventData } from '../../../shared/api/anomaly.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { SCORING_PAGE_ROWS } from './service.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const MIN_TRAIN_ROWS = 50;
/** Many pages of one target, far beyond the backlog bound. */
const BACKFILL_ROWS = 6 * SCORING_PAGE_ROWS + 77;

/**
 * A back-fill (a day of a host in one ingest, its series one after the other) is walked
 * from the store by the target's cursor, a page at a time: every stored time is scored
 * exactly once whatever the backlog bound, rows are whole (every series of the target at
 * that time), and a live target is never kept waiting behind it for more than a page.
 */
describe('cursor back-fill of unscored samples', () => {
  let server: TestServer;
  const events: StreamEvent[] = [];
  /** How often each (target, time) was handed to the store as a score. */
  const scoredTimes = new Map<string, Map<number, number>>();

  const rows = (host: string, from: number, count: number) => {
    const random = createRandom(host.length);
    const cpu: [number, number][] = [];
    const mem: [number, number][] = [];
    for (let i = from; i < from + count; i++) {
      cpu.push([T0 + i * STEP, 40 + 4 * (random.next() - 0.5)]);
      mem.push([T0 + i * STEP, 4e9 + 1e7 * (random.next() - 0.5)]);
    }
    // Series-major, as a back-fill sends them: all of cpu, then all of memory.
    return [
      { name: 'node_cpu_percent', labels: { host }, samples: cpu },
      { name: 'node_memory_used_bytes', labels: { host }, samples: mem },
    ];
  };

  beforeAll(async () => {
    server = await startTestServer({
      // A backlog bound far below the back-fill: nothing of it may be dropped for that.
      anomaly: { maxBacklog: 100, minTrainRows: MIN_TRAIN_ROWS, trainWindow: 200, retrainIntervalMs: 0, workers: 1, forest: { trees: 20, sampleSize: 64, seed: 1 } },
    });
    server.app.ctx.events.subscribe((e) => events.push(e));
    const targets = server.app.metrics.targets;
    const setScores = targets.setScores.bind(targets);
    targets.setScores = (target, ts, scores) => {
      let times = scoredTimes.get(target);
      if (!times) scoredTimes.set(target, (times = new Map()));
      for (let i = 0; i < ts.length; i++) times.set(ts[i]!, (times.get(ts[i]!) ?? 0) + 1);
      return setScores(target, ts, scores);
    };
  });

  afterAll(async () => {
    await server?.close();
  });

  it('scores every stored time of a back-fill exactly once, from whole rows, with live scoring first', async () => {
    // A live target with its model, scoring row by row as a collector sends them.
    await server.app.metrics.ingest(rows('live-1', 0, MIN_TRAIN_ROWS + 5));
    await server.app.anomaly.idle();
    expect((await server.app.metrics.storage.readScores('live-1', 0, Number.MAX_SAFE_INTEGER)).length).toBe(5);

    // The back-fill, then at once one live row: the live row is scored while the back-fill
    // has most of its pages still to go.
    let backfillScoredWhenLiveWas: number | undefined;
    const liveTs = T0 + (MIN_TRAIN_ROWS + 5) * STEP;
    const unsubscribe = server.app.ctx.events.subscribe((e) => {
      const score = e.type === 'anomaly_score' ? (e.data as unknown as AnomalyScoreEventData) : undefined;
      if (score?.target === 'live-1' && score.ts === liveTs) {
        backfillScoredWhenLiveWas = scoredTimes.get('old-1')?.size ?? 0;
      }
    });
    await server.app.metrics.ingest(rows('old-1', 0, BACKFILL_ROWS));
    await server.app.metrics.ingest(rows('live-1', MIN_TRAIN_ROWS + 5, 1));
    expect(server.app.anomaly.backlog.waiting).toBeGreaterThan(100);
    expect(server.app.anomaly.overloaded).toBe(true);
    await server.app.anomaly.idle();
    unsubscribe();

    expect(backfillScoredWhenLiveWas, 'the live row was scored').toBeDefined();
    // At most the page that was already running when the live row arrived.
    expect(backfillScoredWhenLiveWas!).toBeLessThanOrEqual(SCORING_PAGE_ROWS);

    // Every time after the rows the first model was trained on, each exactly once.
    const old = scoredTimes.get('old-1')!;
    expect(old.size).toBe(BACKFILL_ROWS - MIN_TRAIN_ROWS);
    expect([...old.values()].every((n) => n === 1)).toBe(true);
    const expected = Array.from({ length: BACKFILL_ROWS - MIN_TRAIN_ROWS }, (_, i) => T0 + (MIN_TRAIN_ROWS + i) * STEP);
    expect([...old.keys()].sort((a, b) => a - b)).toEqual(expected);
    expect(Array.from((await server.app.metrics.storage.readScores('old-1', 0, Number.MAX_SAFE_INTEGER)).ts)).toEqual(expected);
    expect([...scoredTimes.get('live-1')!.values()].every((n) => n === 1)).toBe(true);
    expect(server.app.anomaly.backlog).toMatchObject({ waiting: 0, held: 0, behindTargets: 0 });

    // Whole rows: the models learned both series of the host, though the ingest sent all of
    // one series before the other.
    const models = (await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/models?target=old-1' })).json() as { params: { metrics: string[] } }[];
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect(model.params.metrics).toEqual(['node_cpu_percent', 'node_memory_used_bytes']);
    const scoreOf = (e: StreamEvent) => (e.type === 'anomaly_score' ? (e.data as unknown as AnomalyScoreEventData) : undefined);
    expect(events.some((e) => scoreOf(e)?.target === 'old-1' && scoreOf(e)?.ts === expected.at(-1))).toBe(true);
  }, 180_000);

  it('a later ingest of the target continues from its cursor: new times only', async () => {
    const before = scoredTimes.get('old-1')!.size;
    await server.app.metrics.ingest(rows('old-1', BACKFILL_ROWS, 30));
    await server.app.anomaly.idle();
    const old = scoredTimes.get('old-1')!;
    expect(old.size).toBe(before + 30);
    expect([...old.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});

/**
 * Samples stored and never scored (here: stored while no target could have a model yet, as
 * after a server stopped mid-back-fill) are back-filled when the server starts, without
 * waiting for the target's next sample.
 */
describe('back-fill of stored, unscored samples at start-up', () => {
  it('scores every stored time of a quiet target after a restart', async () => {
    const ROWS = 2 * SCORING_PAGE_ROWS + 10;
    const settings = { retrainIntervalMs: 0, trainWindow: 200, workers: 1, forest: { trees: 20, sampleSize: 64, seed: 1 } };
    const first = await startTestServer({ anomaly: { ...settings, minTrainRows: 1_000_000 } });
    const samples = Array.from({ length: ROWS }, (_, i) => [T0 + i * STEP, 40 + (i % 7)] as [number, number]);
    await first.app.metrics.ingest([{ name: 'node_cpu_percent', labels: { host: 'quiet-1' }, samples }]);
    await first.app.anomaly.idle();
    expect((await first.app.metrics.storage.readScores('quiet-1', 0, Number.MAX_SAFE_INTEGER)).length).toBe(0);
    await first.app.close();

    const second = await startTestServer({ dataDir: first.dataDir, anomaly: { ...settings, minTrainRows: MIN_TRAIN_ROWS } });
    try {
      // No sample arrives: the start-up alone puts the target in the back-fill.
      await second.app.anomaly.idle();
      const scores = await second.app.metrics.storage.readScores('quiet-1', 0, Number.MAX_SAFE_INTEGER);
      expect(Array.from(scores.ts)).toEqual(samples.slice(MIN_TRAIN_ROWS).map(([ts]) => ts));
      // Scored in full: a second start has nothing left to do.
      expect(await second.app.metrics.targets.targetsBehind()).toEqual([]);
    } finally {
      await second.close();
    }
  }, 120_000);
});
