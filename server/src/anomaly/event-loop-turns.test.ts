import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const TARGETS = 200;

/**
 * Scoring many targets at once (a back-fill of a fleet, one ingest naming thousands of
 * hosts) must leave the event loop turns between pages: reading a page from SQLite and
 * pushing rows into a learning target's window never wait on I/O, so pages chained by
 * promises alone ran as one task. Measured before the fix: one 64 MiB ingest of 20,000
 * hosts held the loop ~15 s, /health unanswered throughout.
 */
describe('anomaly scoring and the event loop', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Learning targets (fewer rows than minTrainRows): their pages never reach a worker.
    server = await startTestServer({ anomaly: { minTrainRows: 1_000, workers: 1 } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('gives the loop a turn between the pages of many targets', async () => {
    const series = Array.from({ length: TARGETS }, (_, t) => ({
      name: 'node_cpu_percent',
      labels: { host: `turns-${t}` },
      samples: Array.from({ length: 20 }, (_, i) => [T0 + i * STEP, 10 + ((t + i) % 7)] as [number, number]),
    }));
    await server.app.metrics.ingest(series);
    // A macrotask queued now runs at the loop's next turn: scoring must not be done by then.
    const pendingAtNextTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(server.app.anomaly.backlog.waiting)));
    expect(pendingAtNextTurn).toBeGreaterThan(0);
    await server.app.anomaly.idle();
    expect(server.app.anomaly.backlog.waiting).toBe(0);
  });
});
