import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScoringPool } from './anomaly/pool.ts';
import type { WorkerTask } from './anomaly/protocol.ts';
import { RangePool } from './metrics/range-pool.ts';
import type { RangeTask } from './metrics/range-answer.ts';

const MISBEHAVING = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing/misbehaving-worker.fixture.js');
/** Short enough for the test, long enough for a worker to start on a loaded machine. */
const DEADLINE_MS = 2_500;

/** What the fixture reads of a task; the pools pass it through as it is. */
const scoreTask = (mark: { hang?: true; exit?: true } = {}) => ({ kind: 'score', ...mark }) as unknown as Extract<WorkerTask, { kind: 'score' }>;
const rangeTask = (mark: { hang?: true; exit?: true } = {}) => ({ request: { from: 0, to: 1, agg: 'avg', maxPoints: 10 }, series: [], ...mark }) as unknown as RangeTask;

/**
 * A worker caught in a loop: before, its task never settled, the caller (a target's
 * scoring, a range request) waited for ever, and so did every task queued behind it on the
 * pool's one thread. Now the task fails once past the deadline, its thread is stopped and a
 * fresh one answers the next task. A worker that ends itself (`process.exit`) fails only its task.
 */
describe('worker pools: a task whose worker hangs or exits', () => {
  const pools: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.close();
  });

  it('the anomaly scoring pool fails the hung task with a clear error and scores the next', async () => {
    const pool = new ScoringPool(1, { taskTimeoutMs: DEADLINE_MS, filename: MISBEHAVING });
    pools.push(pool);
    const hung = pool.score(scoreTask({ hang: true }));
    // Queued behind the hung task on the only thread.
    const next = pool.score(scoreTask());
    await expect(hung).rejects.toThrow(/the anomaly worker's score task did not finish within 3 s; its worker thread was stopped/);
    await expect(next).resolves.toMatchObject({ echoed: 'score' });
    await expect(pool.score(scoreTask({ exit: true }))).rejects.toThrow();
    await expect(pool.score(scoreTask())).resolves.toMatchObject({ echoed: 'score' });
    expect(pool.stats().failures).toBe(2);
  }, 30_000);

  it('the range query pool answers E_WORKER_FAILED for the hung task and the next query is answered', async () => {
    const pool = new RangePool({ threads: 1, inlineMaxSize: -1, taskTimeoutMs: DEADLINE_MS, filename: MISBEHAVING });
    pools.push(pool);
    const hung = pool.answer(rangeTask({ hang: true }));
    const next = pool.answer(rangeTask());
    await expect(hung).rejects.toMatchObject({ code: 'E_WORKER_FAILED', details: { reason: expect.stringMatching(/did not finish within 3 s/) } });
    expect(Array.from((await next).json)).toEqual([123, 125]);
    expect(pool.stats().failures).toBe(1);
    // A task waiting for the thread when the pool closes fails too: no caller waits for ever.
    const running = pool.answer(rangeTask({ hang: true }));
    const waiting = pool.answer(rangeTask());
    expect(pool.stats().queueSize).toBe(1);
    const settled = Promise.allSettled([running, waiting]);
    await pools.pop()!.close();
    const [ran, waited] = await settled;
    expect(ran).toMatchObject({ status: 'rejected', reason: { code: 'E_WORKER_FAILED' } });
    expect(waited).toMatchObject({ status: 'rejected', reason: { code: 'E_WORKER_FAILED', details: { reason: 'the worker pool closed before this task started' } } });
  }, 30_000);
});
