import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StreamEvent } from '../../../shared/api/stream.ts';
import { createRandom } from '../../../shared/anomaly/prng.ts';
import { auditEntries, whileRefused } from '../audit/testing/refuse-audit.ts';
import { testDatabases, useTestDatabase } from '../testing/databases.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);

/**
 * A model's training, promotion and roll-back commit with their audit entries (the style of
 * `audit/atomic.test.ts`: the entry's INSERT is made to fail). They used to change the
 * registry in its own transaction and queue the entry after: a failed entry (or a crash
 * between the two) left a model promoted, and scoring with it, that nobody was recorded as
 * having promoted. Now the registry is as it was and the old model goes on scoring.
 */
describe.each(testDatabases())('a model change and its audit entry commit together ($name)', (database) => {
  const databases = useTestDatabase(database);
  const it = test.skipIf(database.skip);
  let server: TestServer;
  let step = 0;
  const random = createRandom(23);
  const events: StreamEvent[] = [];

  async function ingest(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++, step++) {
      await server.app.metrics.ingest([{ name: 'node_cpu_percent', labels: { host: 'atomic-1' }, samples: [[T0 + step * STEP, 40 + 4 * (random.next() - 0.5)]] }]);
    }
    await server.app.anomaly.idle();
  }
  const versions = async () => ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/models?target=atomic-1' })).json() as Array<{ version: number; state: string }>).map((m) => `${m.version}:${m.state}`);
  /** The model that scored the newest sample, after a few more. */
  async function scoringModel(): Promise<number> {
    await ingest(2);
    const last = events.filter((e) => e.type === 'anomaly_score').at(-1)!;
    return (last.data as { modelId: number }).modelId;
  }
  const modelEvents = () => events.filter((e) => e.type === 'anomaly_model').map((e) => (e.data as { action: string }).action);

  beforeAll(async () => {
    if (database.skip) return;
    server = await startTestServer({ env: await databases.fresh(), anomaly: { minTrainRows: 60, trainWindow: 60, retrainIntervalMs: 0, workers: 1, shadowMinSamples: 1_000_000 } });
    server.app.ctx.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    if (!database.skip) await server.close();
  });

  it('a training, a promotion and a roll-back whose entries cannot be stored leave the registry, and scoring, as they were', async () => {
    await ingest(70);
    expect(await versions()).toEqual(['1:active']);
    const first = await scoringModel();
    const trainedBefore = (await auditEntries(server, 'anomaly.model.train')).length;
    events.length = 0;

    const refusedTraining = await whileRefused(server, 'anomaly.model.train', () => server.injectAs('admin', { method: 'POST', url: '/api/v1/anomaly/models/train', payload: { target: 'atomic-1' } }));
    expect(refusedTraining.statusCode).toBeGreaterThanOrEqual(500);
    // Before: a candidate v2 registered (and shadowing) that no entry accounts for.
    expect(await versions()).toEqual(['1:active']);
    expect(modelEvents()).not.toContain('trained');
    expect(await auditEntries(server, 'anomaly.model.train')).toHaveLength(trainedBefore);

    const trained = await server.injectAs('admin', { method: 'POST', url: '/api/v1/anomaly/models/train', payload: { target: 'atomic-1' } });
    expect(trained.statusCode).toBe(201);
    const candidate = (trained.json() as { id: number; version: number }).id;
    expect(await versions()).toEqual(['2:candidate', '1:active']);

    const refusedPromotion = await whileRefused(server, 'anomaly.model.promote', () => server.injectAs('admin', { method: 'POST', url: `/api/v1/anomaly/models/${candidate}/promote` }));
    expect(refusedPromotion.statusCode).toBeGreaterThanOrEqual(500);
    // Before: v2 active, and scoring, with no entry saying who promoted it.
    expect(await versions()).toEqual(['2:candidate', '1:active']);
    expect(modelEvents()).not.toContain('promoted');
    expect(await scoringModel()).toBe(first);
    expect(await auditEntries(server, 'anomaly.model.promote')).toHaveLength(0);

    expect((await server.injectAs('admin', { method: 'POST', url: `/api/v1/anomaly/models/${candidate}/promote` })).statusCode).toBe(200);
    expect(await versions()).toEqual(['2:active', '1:retired']);
    expect(await scoringModel()).toBe(candidate);

    const refusedRollback = await whileRefused(server, 'anomaly.model.rollback', () => server.injectAs('admin', { method: 'POST', url: '/api/v1/anomaly/models/rollback', payload: { target: 'atomic-1' } }));
    expect(refusedRollback.statusCode).toBeGreaterThanOrEqual(500);
    expect(await versions()).toEqual(['2:active', '1:retired']);
    expect(modelEvents()).not.toContain('rolled_back');
    expect(await scoringModel()).toBe(candidate);

    expect((await server.injectAs('admin', { method: 'POST', url: '/api/v1/anomaly/models/rollback', payload: { target: 'atomic-1' } })).statusCode).toBe(200);
    expect(await versions()).toEqual(['2:retired', '1:active']);
    expect(await scoringModel()).toBe(first);
    expect(await auditEntries(server, 'anomaly.model.promote')).toHaveLength(1);
    expect(await auditEntries(server, 'anomaly.model.rollback')).toHaveLength(1);
  });
});
