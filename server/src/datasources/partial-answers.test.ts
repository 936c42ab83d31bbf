import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { listenOnLoopback } from '../testing/loopback-http.ts';

/** A VictoriaMetrics cluster (or Thanos) played by a small server: its answer is whatever `answer` holds, counted. */
async function fakeCluster() {
  const state = { received: 0, answer: {} as object };
  const server = http.createServer((_request, response) => {
    state.received++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.answer));
  });
  return { state, ...(await listenOnLoopback(server)) };
}

const matrix = { resultType: 'matrix', result: [{ metric: { __name__: 'up', instance: 'a' }, values: [[1767225600, '1']] }] };

/**
 * A partial answer (a storage node or store that did not answer) was kept in the proxy's
 * cache like a whole one: for the next 30 s "Run again" in the explorer, and every rule on
 * the same query, got the same partial answer back instead of asking the source again.
 */
describe('partial answers of a data source', () => {
  let cluster: Awaited<ReturnType<typeof fakeCluster>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    cluster = await fakeCluster();
    server = await startTestServer();
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'vm', type: 'prometheus', url: cluster.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await cluster?.close();
  });

  const rangeQuery = (query: string) => server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query_range?query=${query}&start=1767225000&end=1767225600&step=60` });

  it('are passed on as they came but not cached, so asking again reaches the source; whole answers are cached', async () => {
    const cases: Array<[string, object]> = [
      ['vm', { status: 'success', isPartial: true, data: matrix }],
      ['thanos', { status: 'success', data: matrix, warnings: ['receive series from Addr: 10.0.0.7:10901: rpc error: code = Unavailable'] }],
    ];
    for (const [query, answer] of cases) {
      cluster.state.answer = answer;
      const before = cluster.state.received;
      const first = await rangeQuery(query);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual(answer);
      const again = await rangeQuery(query);
      expect(again.headers['x-cache'], query).toBe('miss');
      expect(cluster.state.received - before).toBe(2);
    }
    cluster.state.answer = { status: 'success', data: matrix };
    expect((await rangeQuery('whole')).headers['x-cache']).toBe('miss');
    expect((await rangeQuery('whole')).headers['x-cache']).toBe('hit');
  });
});
