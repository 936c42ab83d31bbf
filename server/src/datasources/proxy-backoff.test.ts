import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource } from '../../../shared/api/datasources.ts';
import { eventually } from '../testing/eventually.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { listenOnLoopback } from '../testing/loopback-http.ts';

/** A Prometheus played by a small HTTP server that answers `next` (status, headers) to every query, counting them. */
async function fakePrometheus() {
  const state = { received: 0, status: 429, headers: { 'retry-after': '2' } as Record<string, string> };
  const server = http.createServer((_request, response) => {
    state.received++;
    if (state.status === 200) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
      return;
    }
    response.writeHead(state.status, { 'content-type': 'text/plain', ...state.headers }).end('slow down');
  });
  return { state, ...(await listenOnLoopback(server)) };
}

/**
 * A source that asks us to slow down (429, or 503 with Retry-After) was answered 502 "the
 * data source failed" and asked again at once by every viewer, rule and watch. Now the
 * caller gets 503 with the source's Retry-After, and the source is left alone until then.
 */
describe('a data source that asks to retry later', () => {
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  let server: TestServer;
  let source: Datasource;

  beforeAll(async () => {
    prometheus = await fakePrometheus();
    server = await startTestServer();
    source = (await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'busy', type: 'prometheus', url: prometheus.url } })).json() as Datasource;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.close();
  });

  const query = () => server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=up` });

  it('answers 503 with its Retry-After and sends it nothing more until then', async () => {
    const first = await query();
    expect(first.statusCode, first.body).toBe(503);
    expect(first.headers['retry-after']).toBe('2');
    expect(first.json()).toMatchObject({ error: { code: 'E_UNAVAILABLE', details: { upstreamStatus: 429 } } });
    expect(first.json().error.message).toMatch(/HTTP 429/);

    const second = await query();
    expect(second.statusCode).toBe(503);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(prometheus.state.received).toBe(1);

    prometheus.state.status = 200;
    await eventually(query, (response) => response.statusCode === 200, 10_000);
    expect(prometheus.state.received).toBe(2);
  });

  it('does the same for a 503 with Retry-After as an HTTP date', async () => {
    prometheus.state.status = 503;
    prometheus.state.headers = { 'retry-after': new Date(Date.now() + 3_000).toUTCString() };
    const before = prometheus.state.received;
    const first = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=up2` });
    expect(first.statusCode).toBe(503);
    expect(Number(first.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/query?query=up3` })).statusCode).toBe(503);
    expect(prometheus.state.received).toBe(before + 1);
  });
});
