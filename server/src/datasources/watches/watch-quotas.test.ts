import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { startFakePrometheus } from '../../testing/fake-prometheus.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { DEFAULT_WATCH_SETTINGS } from './runner.ts';
import { WatchStore } from './store.ts';

const BACKFILL = 30;

/**
 * Fourth attack round, left then: a watch could step every second, and one operator could
 * take all of the server's watches. A new watch steps at least `minStepSeconds` (10 s), and
 * each person (an API key counting as its owner) keeps at most `maxWatchesPerUser`.
 * Watches already stored keep working as they are.
 */
describe('anomaly watch step and per-user bounds', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = await startFakePrometheus();
    server = await startTestServer({ datasources: { watches: { backfillRows: BACKFILL, minTrainRows: 20, trainWindow: BACKFILL, retrainEvery: 20, syncMs: 0, maxWatchesPerUser: 2 } } });
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'fake', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  const create = (role: 'operator' | 'admin', name: string, stepSeconds = 60) =>
    server.injectAs(role, { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name, datasourceId: source.id, query: 'up', stepSeconds } });

  it('refuses a step below the minimum (10 s by default) and takes it at the minimum', async () => {
    expect(DEFAULT_WATCH_SETTINGS.minStepSeconds).toBe(10);
    const fast = await create('admin', 'every-second', 1);
    expect(fast.statusCode).toBe(400);
    expect(fast.json()).toMatchObject({ error: { code: 'E_VALIDATION', message: 'An anomaly watch steps at least every 10 s (stepSeconds 1 asked).', details: { minStepSeconds: 10 } } });
    const nine = await create('admin', 'nine', 9);
    expect(nine.statusCode).toBe(400);
    const ten = await create('admin', 'ten', 10);
    expect(ten.statusCode, ten.body).toBe(201);
    await server.injectAs('admin', { method: 'DELETE', url: `/api/v1/anomaly/watches/${(ten.json() as Watch).id}` });
  });

  it('keeps each person to their share of watches, their API keys counted as them; others are not affected', async () => {
    expect(DEFAULT_WATCH_SETTINGS.maxWatchesPerUser).toBe(20);
    expect((await create('operator', 'op-1')).statusCode).toBe(201);
    expect((await create('operator', 'op-2')).statusCode).toBe(201);
    const third = await create('operator', 'op-3');
    expect(third.statusCode).toBe(409);
    expect(third.json()).toMatchObject({ error: { code: 'E_CONFLICT', message: 'You already have 2 anomaly watches, the most one person keeps; delete one first.', details: { maxPerUser: 2 } } });

    // The operator's key is the operator.
    const key = (await server.injectAs('operator', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'watcher', role: 'operator', scopes: ['anomalies:write'], expiresAt: Date.now() + 86_400_000 } })).json().secret as string;
    const byKey = await server.app.inject({ method: 'POST', url: '/api/v1/anomaly/watches', headers: { authorization: `Bearer ${key}` }, payload: { name: 'op-key', datasourceId: source.id, query: 'up', stepSeconds: 60 } });
    expect(byKey.statusCode).toBe(409);

    // Another person still can.
    expect((await create('admin', 'admin-1')).statusCode).toBe(201);

    // Deleting one makes room.
    const mine = ((await server.injectAs('viewer', { method: 'GET', url: '/api/v1/anomaly/watches' })).json() as { watches: Watch[] }).watches.find((w) => w.name === 'op-1')!;
    expect((await server.injectAs('operator', { method: 'DELETE', url: `/api/v1/anomaly/watches/${mine.id}` })).statusCode).toBe(204);
    expect((await create('operator', 'op-3')).statusCode).toBe(201);
  });

  it('a watch stored before the bounds (a 1 s step, no creator kept) is followed and pulled as it was', async () => {
    const row = (await new WatchStore(server.app.ctx.sql).create({ name: 'legacy-fast', datasourceId: source.id, query: 'up', stepSeconds: 1 }, 'old-operator', Date.now()))!;
    await server.app.datasources.runner.sync();
    expect(server.app.datasources.runner.followed()).toContain(row.id);
    await server.app.datasources.runner.settled(row.id);
    const watch = (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${row.id}` })).json() as Watch;
    expect(watch).toMatchObject({ stepSeconds: 1, state: 'running', lastError: null });
    expect(watch.lastTs).not.toBeNull();
  });
});
