import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { ModelRegistry } from './registry.ts';
import type { AnomalySettings } from './service.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const TRAIN_WINDOW = 200;
const SETTINGS: Partial<AnomalySettings> = { minTrainRows: 50, trainWindow: TRAIN_WINDOW, retrainIntervalMs: 0, workers: 1, forest: { trees: 20, sampleSize: 64, seed: 1 } };

/** Rows `from` … `from + count - 1` of one host's two series, the same values on every call. */
function rows(host: string, from: number, count: number) {
  const cpu: [number, number][] = [];
  const mem: [number, number][] = [];
  for (let i = from; i < from + count; i++) {
    // Seeded by the row's index: any slice of the data set reads the same values.
    const random = createRandom(1_000 + i);
    cpu.push([T0 + i * STEP, 40 + 4 * (random.next() - 0.5)]);
    mem.push([T0 + i * STEP, 4e9 + 1e7 * (random.next() - 0.5)]);
  }
  return [
    { name: 'node_cpu_percent', labels: { host }, samples: cpu },
    { name: 'node_memory_used_bytes', labels: { host }, samples: mem },
  ];
}

/**
 * A target whose model learned from a full window keeps only a tally of its rows; a
 * retraining reads the rows back from the store, and learns exactly what it would have
 * learned from rows held in memory.
 */
describe('a mature target\'s window rows, let go and read back', () => {
  let server: TestServer;
  let fresh: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ anomaly: SETTINGS });
    fresh = await startTestServer({ anomaly: SETTINGS });
  });

  afterAll(async () => {
    await server?.close();
    await fresh?.close();
  });

  it('keeps a tally once the active model learned a full window, and retrains from the store', async () => {
    await server.app.metrics.ingest(rows('rel-1', 0, 500));
    await server.app.anomaly.idle();
    const active = await new ModelRegistry(server.app.ctx.sql, Date.now).inState('rel-1', 'active');
    expect(active?.trainRows).toBe(TRAIN_WINDOW);
    expect(server.app.anomaly.windowsHeld).toBe(0);
    // The tally still answers the training progress.
    const progress = server.app.anomaly.training().find((t) => t.target === 'rel-1')!;
    expect(progress).toMatchObject({ state: 'ready', samples: TRAIN_WINDOW, sampleIntervalMs: STEP });
    expect(server.app.anomaly.status().targets.find((t) => t.target === 'rel-1')?.rows).toBe(TRAIN_WINDOW);

    // Retraining reads the last TRAIN_WINDOW rows back from the store.
    const candidate = (await server.app.anomaly.train('rel-1', 'tester'))!;
    expect(candidate).toMatchObject({ state: 'candidate', trainRows: TRAIN_WINDOW, trainedFrom: T0 + 300 * STEP, trainedTo: T0 + 499 * STEP });
    expect(candidate.params.metrics).toEqual(['node_cpu_percent', 'node_memory_used_bytes']);
    // Let go again at once: the active model is grown, and a quiet target has no next page.
    expect(server.app.anomaly.windowsHeld).toBe(0);

    // A server that only ever held rows 300–499 in memory fits the same model on them (the
    // forest is seeded): its last growth refit learned from exactly those rows.
    await fresh.app.metrics.ingest(rows('rel-1', 300, 200));
    await fresh.app.anomaly.idle();
    const heldModel = (await new ModelRegistry(fresh.app.ctx.sql, Date.now).inState('rel-1', 'active'))!;
    expect(heldModel).toMatchObject({ trainRows: TRAIN_WINDOW, trainedFrom: T0 + 300 * STEP, trainedTo: T0 + 499 * STEP });
    expect(candidate.scoreDistribution).toEqual(heldModel.scoreDistribution);

    // Scoring goes on from the tally.
    await server.app.metrics.ingest(rows('rel-1', 500, 3));
    await server.app.anomaly.idle();
    expect(server.app.anomaly.windowsHeld).toBe(0);
    const scores = await server.app.metrics.storage.readScores('rel-1', T0 + 500 * STEP, T0 + 503 * STEP);
    expect(scores.length).toBe(3);
    expect(server.app.anomaly.training().find((t) => t.target === 'rel-1')?.samples).toBe(TRAIN_WINDOW);
  }, 120_000);

  it('keeps the rows of a target still growing toward a full window', async () => {
    await server.app.metrics.ingest(rows('young-1', 0, 120));
    await server.app.anomaly.idle();
    const active = await new ModelRegistry(server.app.ctx.sql, Date.now).inState('young-1', 'active');
    expect(active?.trainRows).toBe(100);
    // rel-1 released, young-1 held.
    expect(server.app.anomaly.windowsHeld).toBe(1);
  }, 120_000);
});
