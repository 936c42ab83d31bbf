import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyEventData, StreamEvent } from '../../../shared/api/stream.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const ROWS = 360;
const SPIKE_AT = 300;

/**
 * A back-fill (many rows of a target in one ingest) is scored in batches: one worker task
 * and one score write per run of rows. It must decide exactly as scoring row by row does:
 * the same scores, the same anomalies, the same growth refits.
 */
describe('anomaly scoring in batches', () => {
  let server: TestServer;
  const events: StreamEvent[] = [];

  /** The same values for every host: cpu with a planted spike, and memory. */
  function rows(host: string, from: number, to: number) {
    const random = createRandom(5);
    const out: { ts: number; cpu: number; mem: number }[] = [];
    for (let i = 0; i < to; i++) {
      const row = { ts: T0 + i * STEP, cpu: i === SPIKE_AT ? 99 : 40 + 4 * (random.next() - 0.5), mem: 4e9 + 1e7 * (random.next() - 0.5) };
      if (i >= from) out.push(row);
    }
    return out.map(({ ts, cpu, mem }) => [
      { name: 'node_cpu_percent', labels: { host }, samples: [[ts, cpu]] as [number, number][] },
      { name: 'node_memory_used_bytes', labels: { host }, samples: [[ts, mem]] as [number, number][] },
    ]);
  }

  beforeAll(async () => {
    server = await startTestServer({
      anomaly: { minTrainRows: 50, trainWindow: 200, retrainIntervalMs: 0, workers: 1, shadowMinSamples: 1_000_000, refractorySeconds: 600, forest: { trees: 30, sampleSize: 64, seed: 1 } },
    });
    server.app.ctx.events.subscribe((e) => events.push(e));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('stores the same scores and raises the same anomalies as scoring row by row', async () => {
    // row-1: one ingest per row, each scored before the next arrives.
    for (const batches of rows('row-1', 0, ROWS)) {
      await server.app.metrics.ingest(batches);
      await server.app.anomaly.idle();
    }
    // batch-1: the rows the first model is trained on one by one, then the rest in one ingest.
    for (const batches of rows('batch-1', 0, 60)) {
      await server.app.metrics.ingest(batches);
      await server.app.anomaly.idle();
    }
    const tasksBefore = server.app.anomaly.status().pool.completed;
    await server.app.metrics.ingest(rows('batch-1', 60, ROWS).flat());
    await server.app.anomaly.idle();
    // Far fewer worker tasks than rows: the runs between growth refits went as batches.
    expect(server.app.anomaly.status().pool.completed - tasksBefore).toBeLessThan((ROWS - 60) / 4);

    const scores = async (target: string) => Array.from((await server.app.metrics.storage.readScores(target, 0, Number.MAX_SAFE_INTEGER)).values);
    expect((await scores('row-1'))).toHaveLength(ROWS - 50);
    expect((await scores('batch-1'))).toEqual((await scores('row-1')));
    const anomalies = (target: string) => events.filter((e) => e.type === 'anomaly' && (e.data as AnomalyEventData).target === target).map((e) => (e.data as AnomalyEventData).ts);
    expect(anomalies('row-1')).toContain(T0 + SPIKE_AT * STEP);
    expect(anomalies('batch-1')).toEqual(anomalies('row-1'));
    // The same growth refits: as many model versions, trained on as many rows.
    const models = async (target: string) => ((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/models?target=${target}` })).json() as { trainRows: number }[]).map((m) => m.trainRows);
    expect(await models('batch-1')).toEqual(await models('row-1'));
    expect((await models('row-1')).length).toBeGreaterThan(1);
  }, 120_000);
});
