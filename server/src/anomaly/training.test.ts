import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import type { AnomalyModel, TrainingProgress } from '../../../shared/api/anomaly.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { extremeWindowOf } from './extreme-window.ts';
import { TargetWindow } from './target-window.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const REQUIRED = 40;

describe('anomaly training progress and extreme training windows', () => {
  let server: TestServer;
  const random = createRandom(5);
  let step = 0;

  /** One collection round of two hosts: calm-1 at ~40 % CPU, hot-1 saturated at ~100 %. */
  async function ingest(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++, step++) {
      const ts = T0 + step * STEP;
      await server.app.metrics.ingest([
        { name: 'node_cpu_utilisation_ratio', labels: { host: 'calm-1' }, samples: [[ts, 0.4 + 0.05 * (random.next() - 0.5)]] },
        { name: 'node_memory_utilisation_ratio', labels: { host: 'calm-1' }, samples: [[ts, 0.5 + 0.02 * (random.next() - 0.5)]] },
        { name: 'node_cpu_utilisation_ratio', labels: { host: 'hot-1' }, samples: [[ts, 0.97 + 0.03 * random.next()]] },
        { name: 'node_memory_utilisation_ratio', labels: { host: 'hot-1' }, samples: [[ts, 0.5 + 0.02 * (random.next() - 0.5)]] },
      ]);
    }
  }
  const training = async (): Promise<TrainingProgress[]> => {
    const response = await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/training' });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    server = await startTestServer({ anomaly: { minTrainRows: REQUIRED, retrainIntervalMs: 0, workers: 1, shadowMinSamples: 1_000_000 } });
  });
  afterAll(() => server?.close());

  it('reports learning progress with the time the first model is expected', async () => {
    await ingest(15);
    await server.app.anomaly.idle();
    // On PostgreSQL the last sample's page can reach the anomaly service just after idle()
    // answered (a fresh-clone CI on a busy machine read 14): wait for it to be counted.
    await expect.poll(async () => (await training()).find((t) => t.target === 'calm-1')?.samples, { timeout: 30_000 }).toBe(15);
    const [calm, hot] = await training();
    expect(calm).toMatchObject({
      target: 'calm-1', state: 'learning', samples: 15, required: REQUIRED, sampleIntervalMs: STEP, readyAt: T0 + 14 * STEP + (REQUIRED - 15) * STEP, activeModelId: null, extremeWindow: [],
    });
    // Saturated all along: flagged before the model learns it.
    expect(hot).toMatchObject({ target: 'hot-1', state: 'learning', extremeWindow: [{ metric: 'node_cpu_utilisation_ratio', limit: 0.95, share: 1 }] });
    expect(hot!.extremeWindow[0]!.text).toBe('node_cpu_utilisation_ratio at or above 95% for 100% of the window');
  });

  it('says when a model is ready, and flags one trained on a saturated window', async () => {
    await ingest(REQUIRED - 15 + 2);
    await server.app.anomaly.idle();
    const [calm, hot] = await training();
    expect(calm).toMatchObject({ state: 'ready', readyAt: null, activeModelVersion: 1, trainedRows: REQUIRED, extremeWindow: [] });
    expect(hot).toMatchObject({ state: 'ready', activeModelId: expect.any(Number), extremeWindow: [{ metric: 'node_cpu_utilisation_ratio', share: 1 }] });
    const model = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/models/${hot!.activeModelId}` })).json() as AnomalyModel;
    expect(model.evaluation.extremeWindow).toEqual(hot!.extremeWindow);
    const audit = (await server.app.ctx.audit.query({ action: 'anomaly.model.train' })).find((entry) => entry.target?.startsWith('hot-1'));
    expect(audit?.details).toMatchObject({ extremeWindow: ['node_cpu_utilisation_ratio at or above 95% for 100% of the window'] });
  });

  it('flags only windows saturated nearly throughout, and only metrics with a known ceiling', () => {
    const rows = (values: number[], name = 'node_cpu_utilisation_ratio') => {
      const window = new TargetWindow();
      values.forEach((value, i) => window.push({ ts: i * 10_000, values: { [name]: value } }, values.length));
      return window;
    };
    expect(extremeWindowOf(rows([1, 1, 1, 1, 1, 1, 1, 1, 1, 0.2]))).toHaveLength(1);
    expect(extremeWindowOf(rows([1, 1, 1, 1, 1, 1, 1, 1, 0.2, 0.2]))).toEqual([]);
    expect(extremeWindowOf(rows([5, 5, 5], 'node_load1_per_core'))).toMatchObject([{ limit: 2, share: 1 }]);
    expect(extremeWindowOf(rows([1e12, 1e12], 'node_memory_used_bytes'))).toEqual([]);
    expect(extremeWindowOf(rows([1, 1], 'node_filesystem_utilisation_ratio{mount="/"}'))).toMatchObject([{ metric: 'node_filesystem_utilisation_ratio{mount="/"}' }]);
    expect(extremeWindowOf(new TargetWindow())).toEqual([]);
  });
});
