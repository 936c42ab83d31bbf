import http from 'node:http';
import type net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource, PromMatrix, PromResponse, PromVector } from '../../../shared/api/datasources.ts';
import { parsePromValue } from '../../../shared/metrics/prom-values.ts';
import { REFUSED_URL, openMetricsGauge, prometheusMissing, startNodeExporter, startPrometheus, waitForSeries, type RunningPrometheus, type RunningProcess } from '../testing/prometheus.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const MISSING = prometheusMissing();
if (MISSING) console.warn(`datasource proxy tests ${MISSING}`);

/** A small exporter of our own: 50 series and the special values Prometheus sends as strings. */
function testExporterBody(): string {
  const lines = ['# TYPE sco_test_series gauge'];
  for (let i = 0; i < 50; i++) lines.push(`sco_test_series{i="${i}"} ${i * 1.5}`);
  lines.push('# TYPE sco_test_special gauge', 'sco_test_special{kind="nan"} NaN', 'sco_test_special{kind="inf"} +Inf', 'sco_test_special{kind="neginf"} -Inf');
  return `${lines.join('\n')}\n`;
}

async function serve(handler: http.RequestListener): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// Back-filled history: one day at 60 s, ending two hours ago on a whole hour.
const HOUR = 3600;
const BACKFILL_END = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 2 * HOUR;
const BACKFILL_COUNT = 1440;
const BACKFILL_FROM = BACKFILL_END - (BACKFILL_COUNT - 1) * 60;

describe.skipIf(MISSING !== null)('data source query proxy against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let nodeExporter: RunningProcess;
  let exporter: Awaited<ReturnType<typeof serve>>;
  let server: TestServer;
  let source: Datasource;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-proxy-'));
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    nodeExporter = await startNodeExporter(work);
    exporter = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(testExporterBody()));
    const series = Array.from({ length: 50 }, (_, i) => ({ i: String(i) }));
    const backfill = openMetricsGauge('sco_backfill', series, { fromSeconds: BACKFILL_FROM, stepSeconds: 60, count: BACKFILL_COUNT }, (t, s) => Math.sin(t / 30 + s) * 10 + s);
    prometheus = await startPrometheus({ targets: [exporter.host, `127.0.0.1:${nodeExporter.port}`], backfill });
    await waitForSeries(prometheus, 'sco_test_special');
    await waitForSeries(prometheus, 'node_cpu_seconds_total');
    server = await startTestServer({ datasources: { queriesPerMinute: 10_000 } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    source = created.json() as Datasource;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await prometheus?.stop();
    await nodeExporter?.stop();
    await exporter?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function direct(pathAndQuery: string): Promise<Buffer> {
    const response = await fetch(`${prometheus.url}/api/v1/${pathAndQuery}`);
    return Buffer.from(await response.arrayBuffer());
  }

  function viaProxy(pathAndQuery: string, role: 'viewer' | 'operator' | 'admin' = 'viewer', id = source.id) {
    return server.injectAs(role, { method: 'GET', url: `/api/v1/datasources/${id}/${pathAndQuery}` });
  }

  it('answers range queries byte for byte like Prometheus, then from its cache', async () => {
    const q = `query_range?query=${encodeURIComponent('sco_backfill')}&start=${BACKFILL_FROM}&end=${BACKFILL_END}&step=60`;
    const expected = await direct(q);
    const first = await viaProxy(q);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['x-cache']).toBe('miss');
    expect(first.rawPayload.equals(expected)).toBe(true);
    // A 50-series answer comes in many socket reads and goes out as them, its length declared.
    expect(first.headers['content-length']).toBe(String(expected.length));
    const body = first.json() as PromResponse<PromMatrix>;
    expect(body.data.result).toHaveLength(50);
    expect(body.data.result[0]!.values).toHaveLength(BACKFILL_COUNT);
    const second = await viaProxy(q);
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.rawPayload.equals(expected)).toBe(true);

    // A browser asks for gzip: the same bytes, compressed once per answer and sent again on a hit.
    const gzipped = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/${q}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzipped.rawPayload).equals(expected)).toBe(true);
    expect(gzipped.rawPayload.length).toBeLessThan(expected.length / 2);
    const again = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/${q}`, headers: { 'accept-encoding': 'gzip' } });
    expect(again.rawPayload.equals(gzipped.rawPayload)).toBe(true);
    // gzip refused (q=0): Prometheus's bytes as they are.
    const refused = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/${q}`, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.rawPayload.equals(expected)).toBe(true);
    // A GET has no body to decompress: a Content-Encoding on it is not looked at (the proxy's
    // routes carry no request-decompression hook, and no response-compression hook either).
    const odd = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${source.id}/${q}`, headers: { 'content-encoding': 'x-unknown', 'accept-encoding': 'identity' } });
    expect(odd.statusCode, odd.body).toBe(200);
    expect(odd.rawPayload.equals(expected)).toBe(true);
  });

  it('with the cache off, sends each answer byte for byte over real sockets, however it goes out, while others are released', async () => {
    const uncached = await startTestServer({ listen: true, datasources: { cacheMaxBytes: 0, queriesPerMinute: 10_000 } });
    try {
      const created = await uncached.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'prom', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 60 } });
      expect(created.statusCode, created.body).toBe(201);
      const base = `${uncached.url}/api/v1/datasources/${(created.json() as Datasource).id}`;
      const auth = { authorization: `Bearer ${await uncached.tokenFor('viewer')}` };
      const fifty = `query_range?query=${encodeURIComponent('sco_backfill')}&start=${BACKFILL_FROM}&end=${BACKFILL_END}&step=60`;
      const one = `query_range?query=${encodeURIComponent('sco_backfill{i="7"}')}&start=${BACKFILL_FROM}&end=${BACKFILL_END}&step=60`;
      const [expectedFifty, expectedOne] = [await direct(fifty), await direct(one)];
      // Several at once, each way of sending (one read, many reads streamed, gzip'd): the
      // release of one answer must never touch the bytes of another still being written.
      const ask = async (q: string, gzip: boolean) => {
        const response = await fetch(`${base}/${q}`, { headers: gzip ? { ...auth, 'accept-encoding': 'gzip' } : auth });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-cache')).toBe('miss');
        // fetch decompresses a gzip'd answer itself.
        return Buffer.from(await response.arrayBuffer());
      };
      const answers = await Promise.all([ask(fifty, false), ask(one, false), ask(fifty, true), ask(one, true), ask(fifty, false), ask(one, false)]);
      for (const [i, body] of answers.entries()) expect(body.equals(i % 2 === 0 ? expectedFifty : expectedOne), `answer ${i}`).toBe(true);
    } finally {
      await uncached.close();
    }
  });

  it('answers instant queries, series, labels and label values byte for byte', async () => {
    const t = BACKFILL_END - 3600;
    const window = `start=${BACKFILL_FROM}&end=${BACKFILL_END}`;
    const match = encodeURIComponent('sco_backfill{i=~"1.*"}');
    for (const q of [
      `query?query=${encodeURIComponent('sum by (i) (sco_backfill)')}&time=${t}`,
      `query?query=${encodeURIComponent('rate(sco_backfill[5m])')}&time=${t}`,
      `series?match[]=${match}&${window}`,
      `labels?match[]=${match}&${window}`,
      `label/i/values?match[]=${match}&${window}`,
      `label/__name__/values?match[]=${encodeURIComponent('{job="test"}')}&${window}`,
    ]) {
      const expected = await direct(q);
      const response = await viaProxy(q);
      expect(response.statusCode, `${q}: ${response.body}`).toBe(200);
      expect(response.rawPayload.equals(expected), q).toBe(true);
    }
  });

  it('reads live scrapes of node_exporter and the test exporter, special values included', async () => {
    const names = (await viaProxy('label/__name__/values')).json() as PromResponse<string[]>;
    expect(names.data).toContain('node_cpu_seconds_total');
    expect(names.data).toContain('sco_test_series');
    const special = (await viaProxy(`query?query=${encodeURIComponent('sco_test_special')}`)).json() as PromResponse<PromVector>;
    const byKind = Object.fromEntries(special.data.result.map((r) => [r.metric.kind, r.value![1]]));
    expect(byKind).toEqual({ nan: 'NaN', inf: '+Inf', neginf: '-Inf' });
    expect(Number.isNaN(parsePromValue(byKind.nan!))).toBe(true);
    expect(parsePromValue(byKind.inf!)).toBe(Number.POSITIVE_INFINITY);
    expect(parsePromValue(byKind.neginf!)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('chooses and aligns the step like Grafana, within the 11,000-point limit', async () => {
    // No step: max(scrape interval 1 s, one day / 1,100 points) = 79 s, start and end on multiples of it.
    const auto = await viaProxy(`query_range?query=sco_backfill{i="3"}&start=${BACKFILL_FROM + 7}&end=${BACKFILL_END}`);
    expect(auto.statusCode, auto.body).toBe(200);
    expect(auto.headers['x-step']).toBe('79');
    const values = (auto.json() as PromResponse<PromMatrix>).data.result[0]!.values!;
    for (const [ts] of values) expect(ts % 79).toBe(0);
    // A one-second step over a day would be 86,401 points, which Prometheus refuses: raised to fit.
    const fine = await viaProxy(`query_range?query=sco_backfill{i="3"}&start=${BACKFILL_FROM}&end=${BACKFILL_END}&step=1s`);
    expect(fine.statusCode, fine.body).toBe(200);
    expect(Number(fine.headers['x-step'])).toBeGreaterThan(1);
    expect((fine.json() as PromResponse<PromMatrix>).data.result[0]!.values!.length).toBeLessThanOrEqual(11_000);
    // The same query asked of Prometheus directly is refused: that is what the policy saves us from.
    const refused = await fetch(`${prometheus.url}/api/v1/query_range?query=sco_backfill&start=${BACKFILL_FROM}&end=${BACKFILL_END}&step=1`);
    expect(refused.status).toBe(400);
  });

  it("maps Prometheus's errors to our shape with its message", async () => {
    const syntax = await viaProxy(`query?query=${encodeURIComponent('sum(rate(x[5m])')}`);
    expect(syntax.statusCode).toBe(400);
    const syntaxError = (syntax.json() as { error: { code: string; message: string; details: { upstreamStatus: number; errorType: string } } }).error;
    expect(syntaxError.code).toBe('E_BAD_REQUEST');
    expect(syntaxError.message).toMatch(/parse error/);
    expect(syntaxError.details).toMatchObject({ upstreamStatus: 400, errorType: 'bad_data' });

    const execution = await viaProxy(`query?query=${encodeURIComponent('sco_backfill + on() sco_backfill')}&time=${BACKFILL_END}`);
    expect(execution.statusCode).toBe(422);
    const executionError = (execution.json() as { error: { code: string; message: string } }).error;
    expect(executionError.code).toBe('E_QUERY_FAILED');
    expect(executionError.message).toMatch(/many-to-many/);

    const badTime = await viaProxy('query_range?query=up&start=yesterday&end=now');
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json()).toMatchObject({ error: { code: 'E_VALIDATION' } });
  });

  it('lets viewers query, refuses the anonymous, and rejects unknown sources', async () => {
    expect((await viaProxy('labels', 'viewer')).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/datasources/${source.id}/labels` })).statusCode).toBe(401);
    expect((await viaProxy('labels', 'viewer', 9999)).statusCode).toBe(404);
  });

  describe('sources that fail', () => {
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const close of closers) await close();
    });

    async function add(name: string, url: string, extra: Record<string, unknown> = {}): Promise<number> {
      const response = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name, type: 'prometheus', url, ...extra } });
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as Datasource).id;
    }

    it('down, slow, 401 and 503 each give a clear error, never our own 401', async () => {
      const down = await add('down', REFUSED_URL);
      const slowServer = await serve(() => {
        // holds the request: the source's timeout ends it
      });
      closers.push(slowServer.close);
      const slow = await add('slow', slowServer.url, { timeoutSeconds: 1 });
      const lockedServer = await serve((req, res) => {
        seen.push(req.headers);
        res.writeHead(401, { 'www-authenticate': 'Basic' }).end('Unauthorized');
      });
      closers.push(lockedServer.close);
      const locked = await add('locked', lockedServer.url, { auth: { type: 'basic', username: 'u', password: 'wrong-password' } });
      const busyServer = await serve((_req, res) =>
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' })),
      );
      closers.push(busyServer.close);
      const busy = await add('busy', busyServer.url);

      const errorOf = async (id: number) => {
        const response = await viaProxy(`query?query=up`, 'viewer', id);
        return { status: response.statusCode, ...(response.json() as { error: { code: string; message: string; details: { kind?: string } } }).error };
      };
      expect(await errorOf(down)).toMatchObject({ status: 502, code: 'E_DATASOURCE', details: { kind: 'refused' } });
      expect((await errorOf(down)).message).toMatch(/Connection refused/);
      expect(await errorOf(slow)).toMatchObject({ status: 504, code: 'E_TIMEOUT', details: { kind: 'timeout' } });
      expect(await errorOf(locked)).toMatchObject({ status: 502, code: 'E_DATASOURCE', details: { kind: 'auth' } });
      expect((await errorOf(locked)).message).toMatch(/refused our credentials \(HTTP 401\)/);
      expect(await errorOf(busy)).toMatchObject({ status: 503, code: 'E_UNAVAILABLE' });
      expect((await errorOf(busy)).message).toMatch(/query timed out in expression evaluation/);
    });

    it('never forwards our Authorization header, only the source credentials', async () => {
      const echo = await serve((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":[]}');
      });
      closers.push(echo.close);
      const anonymous = await add('echo-anon', echo.url);
      const bearer = await add('echo-bearer', echo.url, { auth: { type: 'bearer', token: 'source-token' } });
      seen.length = 0;
      expect((await viaProxy('labels', 'viewer', anonymous)).statusCode).toBe(200);
      expect(seen.at(-1)!.authorization).toBeUndefined();
      expect((await viaProxy('labels', 'viewer', bearer)).statusCode).toBe(200);
      expect(seen.at(-1)!.authorization).toBe('Bearer source-token');
      expect(JSON.stringify(seen)).not.toContain(await server.tokenFor('viewer'));
    });
  });
});

describe('data source proxy limits', () => {
  let server: TestServer;
  let upstream: Awaited<ReturnType<typeof serve>>;
  let id: number;

  beforeAll(async () => {
    upstream = await serve((req, res) => {
      const size = Number(new URL(req.url!, 'http://x').searchParams.get('query')?.length ?? 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'string', result: [0, 'x'.repeat(size * 100)] } }));
    });
    // The budget's windows are aligned to the clock: the server's clock starts a second into
    // one (running, a little behind the real one), so the rate-limit test never straddles two.
    const behind = (Date.now() % 60_000) - 1_000;
    server = await startTestServer({ now: () => Date.now() - behind, datasources: { queriesPerMinute: 3, cacheMaxBytes: 10_000 } });
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'limits', type: 'prometheus', url: upstream.url } });
    id = (created.json() as Datasource).id;
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('rate-limits each user on their own budget', async () => {
    for (let i = 0; i < 3; i++) expect((await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${id}/query?query=a${i}` })).statusCode).toBe(200);
    const limited = await server.injectAs('viewer', { method: 'GET', url: `/api/v1/datasources/${id}/query?query=a` });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
    // Another user is not slowed down by the first one's queries.
    expect((await server.injectAs('operator', { method: 'GET', url: `/api/v1/datasources/${id}/query?query=b` })).statusCode).toBe(200);
  });

  it('refuses an answer larger than 64 MiB with 422, holding none of it (a 660 MB answer was held whole, resident memory 175 MB to 1.46 GB)', async () => {
    let sent = 0;
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const write = () => {
        // Streams until the proxy hangs up (at most 256 MiB, so a proxy without a bound fails rather than hangs).
        while (sent < 256 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      res.on('close', () => undefined);
      write();
    });
    try {
      const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'endless', type: 'prometheus', url: endless.url } });
      const endlessId = (created.json() as Datasource).id;
      // Admin: the viewer's budget of 3 queries a minute went to the rate-limit test.
      const response = await server.injectAs('admin', { method: 'GET', url: `/api/v1/datasources/${endlessId}/query?query=big` });
      expect(response.statusCode, response.body.slice(0, 300)).toBe(422);
      expect(response.json()).toMatchObject({ error: { code: 'E_QUERY_FAILED', details: { datasource: 'endless', maxBytes: 64 * 1024 * 1024 } } });
      expect(response.json().error.message).toMatch(/more than 64 MiB/);
      expect(sent).toBeLessThan(128 * 1024 * 1024);
      // The connection test says so too, rather than failing.
      const tested = await server.injectAs('admin', { method: 'POST', url: `/api/v1/datasources/${endlessId}/test` });
      expect(tested.statusCode).toBe(200);
      expect(tested.json()).toMatchObject({ ok: false, error: { kind: 'http' } });
    } finally {
      await endless.close();
    }
  }, 60_000);

  it('keeps the result cache within its byte budget', async () => {
    const proxy = server.app.datasources.proxy;
    for (let i = 0; i < 20; i++) await proxy.forward(id, 'query', { query: `q${i}`.padEnd(20, 'x') });
    const stats = proxy.stats();
    expect(stats.bytes).toBeLessThanOrEqual(10_000);
    expect(stats.entries).toBeGreaterThan(0);
    expect(stats.entries).toBeLessThan(20);
  });
});
