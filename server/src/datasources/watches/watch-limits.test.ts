import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { eventually } from '../../testing/eventually.ts';
import { startFakePrometheus } from '../../testing/fake-prometheus.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';

const BACKFILL = 30;

/** Watches are bounded in number and in series across all of them: an operator cannot make the server exhaust its memory. */
describe('anomaly watch limits', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    // `wide_N` answers N series.
    prometheus = await startFakePrometheus((query) => Number(/^wide_(\d+)$/.exec(query)?.[1] ?? 1));
    server = await startTestServer({ datasources: { watches: { backfillRows: BACKFILL, minTrainRows: 20, trainWindow: BACKFILL, retrainEvery: 20, syncMs: 0, maxWatches: 2, maxTotalSeries: 4, minStepSeconds: 1 } } }); // pulled every second
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'fake', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  const create = (name: string, query: string) => server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name, datasourceId: source.id, query, stepSeconds: 1 } });
  const view = async (id: number) => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${id}` })).json() as Watch;

  it('scores no series past the total (the others are, and lastError says so), refuses a watch past the count, and picks the left-out series up once room is made', async () => {
    const first = await create('three', 'wide_3');
    expect(first.statusCode, first.body).toBe(201);
    const three = (first.json() as Watch).id;
    await server.app.datasources.runner.settled(three);
    expect((await view(three)).series).toHaveLength(3);

    const second = await create('also-three', 'wide_3');
    expect(second.statusCode, second.body).toBe(201);
    const alsoThree = (second.json() as Watch).id;
    await server.app.datasources.runner.settled(alsoThree);
    const capped = await view(alsoThree);
    expect(capped.state).toBe('running');
    expect(capped.series).toHaveLength(1);
    expect(capped.series[0]!.ready).toBe(true);
    expect(capped.lastError).toMatch(/^2 series of the query are not scored: the watches already follow 4 series in all/);

    const third = await create('one-more', 'wide_1');
    expect(third.statusCode).toBe(409);
    expect(third.json()).toMatchObject({ error: { code: 'E_CONFLICT', message: 'This server already has 2 anomaly watches, the most it keeps; delete one first.' } });

    expect((await server.injectAs('operator', { method: 'DELETE', url: `/api/v1/anomaly/watches/${three}` })).statusCode).toBe(204);
    const whole = await eventually(() => view(alsoThree), (watch) => watch.series.length === 3 && watch.lastError === null, 20_000);
    expect(whole.state).toBe('running');
    expect((await create('one-more', 'wide_1')).statusCode).toBe(201);
  }, 60_000);
});
