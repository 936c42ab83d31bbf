import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * A sample that commits while its target's page is being read: on PostgreSQL the read
 * awaits, and the bus tells the service of the new sample before the read returns without
 * it. The service took the complete page for "everything heard of is read" and forgot the
 * sample until the target's next one (a target gone quiet kept it unscored until a restart).
 */
describe.each(testDatabases())('a sample heard of while its page is read, on $name', (database) => {
  const databases = useTestDatabase(database);
  let server: TestServer;
  let step = 0;
  const random = createRandom(3);

  async function ingest(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++, step++) {
      const ts = T0 + step * STEP;
      await server.app.metrics.ingest([{ name: 'node_cpu_percent', labels: { host: 'web-1' }, samples: [[ts, 40 + 4 * (random.next() - 0.5)]] }]);
    }
  }
  const scoredTimes = async () => { const scores = await server.app.metrics.storage.readScores('web-1', 0, Number.MAX_SAFE_INTEGER); return Array.from(scores.ts.subarray(0, scores.length)); };

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({
      env: await databases.fresh(),
      anomaly: { minTrainRows: 30, retrainIntervalMs: 0, workers: 1, shadowMinSamples: 1_000_000, forest: { trees: 20, sampleSize: 32, seed: 1 } },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it.skipIf(database.skip)('is scored by the next page, without waiting for the target to send again', async () => {
    await ingest(40);
    await server.app.anomaly.idle();
    expect(server.app.anomaly.status().targets.find((t) => t.target === 'web-1')).toBeDefined();
    const before = (await scoredTimes()).length;
    expect(before).toBeGreaterThan(0);

    const reads = server.app.metrics.targets;
    const samplesAfter = reads.samplesAfter.bind(reads);
    let raced = false;
    const spy = vi.spyOn(reads, 'samplesAfter').mockImplementation(async (...args) => {
      const page = await samplesAfter(...args);
      if (!raced) {
        // Another sample commits after the read's snapshot and is heard of before it returns.
        raced = true;
        await ingest(1);
      }
      return page;
    });
    try {
      await ingest(1);
      await server.app.anomaly.idle();
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    const scored = await scoredTimes();
    expect(scored.length).toBe(before + 2);
    expect(scored.at(-1)).toBe(T0 + (step - 1) * STEP);
    expect(server.app.anomaly.backlog.waiting).toBe(0);
  });
});
