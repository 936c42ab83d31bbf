import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { Datasource } from '../../../../shared/api/datasources.ts';
import { eventually } from '../../testing/eventually.ts';
import { startTestServer, type TestServer } from '../../testing/test-server.ts';
import { startFakePrometheus } from '../../testing/fake-prometheus.ts';

const BACKFILL = 40;

describe('an anomaly watch whose source fails', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = await startFakePrometheus();
    server = await startTestServer({ datasources: { watches: { backfillRows: BACKFILL, minTrainRows: 20, trainWindow: BACKFILL, retrainEvery: 20, syncMs: 0, minStepSeconds: 1 } } }); // pulled every second
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'fake', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  const view = async (id: number) => (await server.injectAs('viewer', { method: 'GET', url: `/api/v1/anomaly/watches/${id}` })).json() as Watch;

  it('back-fills at a later step when the source was down for the first pull, instead of starting from the last step only', async () => {
    prometheus.state.down = true;
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'late-backfill', datasourceId: source.id, query: 'fake_load', stepSeconds: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as Watch;
    await server.app.datasources.runner.settled(id);
    const failed = await view(id);
    expect(failed.state).toBe('error');
    expect(failed.lastError).toMatch(/the fake Prometheus is down/);

    prometheus.state.down = false;
    const recovered = await eventually(() => view(id), (watch) => watch.state === 'running' && watch.series.length === 1, 20_000);
    // The whole back-fill window was asked for and scored, so the model trains at once.
    expect(recovered.lastError).toBeNull();
    expect(recovered.series[0]!.samples).toBeGreaterThanOrEqual(BACKFILL);
    expect(recovered.series[0]!.ready).toBe(true);
    expect(prometheus.state.ranges.some((range) => range.end - range.start >= BACKFILL - 1)).toBe(true);
  }, 60_000);

  it('says "error" while its pulls fail after it ran, and "running" again once they succeed', async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'flapping', datasourceId: source.id, query: 'fake_load', stepSeconds: 1 } });
    const { id } = created.json() as Watch;
    await server.app.datasources.runner.settled(id);
    expect((await view(id)).state).toBe('running');

    prometheus.state.down = true;
    const failing = await eventually(() => view(id), (watch) => watch.lastError !== null, 20_000);
    expect(failing.state).toBe('error');
    expect(failing.lastError).toMatch(/the fake Prometheus is down/);

    prometheus.state.down = false;
    const back = await eventually(() => view(id), (watch) => watch.lastError === null, 20_000);
    expect(back.state).toBe('running');
  }, 60_000);

  // A source that lies once (a sample from 2096, its clock far ahead, or a timestamp that is no
  // number) must not stop the watch: the far-future point became the series' newest, every
  // later pull started after it, and the watch said "running" while it pulled nothing, for ever.
  it('takes only the points of the range it asked for: a far-future, negative or non-numeric timestamp does not stop its pulls', async () => {
    const created = await server.injectAs('operator', { method: 'POST', url: '/api/v1/anomaly/watches', payload: { name: 'lied-to', datasourceId: source.id, query: 'fake_load', stepSeconds: 1 } });
    const { id } = created.json() as Watch;
    await server.app.datasources.runner.settled(id);
    prometheus.state.lies.push([4e9, '5'], [-5, '1'], ['soon', '1'], [Number.MAX_VALUE, '1']);
    await eventually(async () => prometheus.state.lies.length, (left) => left === 0, 20_000);
    const after = (await view(id)).series[0]!.samples;
    const later = await eventually(() => view(id), (watch) => watch.series[0]!.samples >= after + 3, 20_000);
    expect(later.state).toBe('running');
    expect(later.series[0]!.lastTs).toBeLessThan(Date.now() + 60_000);
  }, 60_000);
});
