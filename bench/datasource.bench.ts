/**
 * `npm run bench:datasource`: Prometheus range queries through our data source proxy
 * against the same queries sent directly to Prometheus, in one run, on loopback: one series
 * and fifty series (a day at 60 s, back-filled with promtool), through a proxy with its
 * cache off (every request reaches Prometheus) and with its cache on. Prints figures and
 * ratios, then one JSON object on the last line.
 * Targets (docs/datasources.md): uncached ≥ 0.8 × direct, cached ≥ 2 × direct, p99
 * overhead < 5 ms for one series (one connection, so the figure is the proxy's, not a queue's).
 * Env: BENCH_DURATION (seconds per run, default 5), BENCH_CONNECTIONS (default 10).
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import { openMetricsGauge, prometheusMissing, startPrometheus } from '../server/src/testing/prometheus.ts';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const POINTS = 1440;

interface RunFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU time per request, µs: this process (proxy + load generator) and Prometheus. */
  cpuUsPerRequest: { here: number; prometheus: number };
}

/** User + system CPU time of a process, µs, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in clock ticks of 1/100 s
}

let prometheusPid = 0;

async function run(url: string, headers: Record<string, string> = {}, connections = CONNECTIONS): Promise<RunFigures> {
  const hereBefore = process.cpuUsage();
  const promBefore = processCpuUs(prometheusPid);
  // A worker keeps the load generator off the event loop the proxy shares with this script.
  const result = await autocannon({ url, headers, connections, duration: DURATION, workers: 1 });
  const here = process.cpuUsage(hereBefore);
  const requests = Math.max(1, result.requests.total);
  return {
    // From the total, to one decimal: the fifty-series runs complete only a few requests a second.
    requestsPerSecond: Math.round((result.requests.total / DURATION) * 10) / 10,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest: { here: Math.round((here.user + here.system) / requests), prometheus: Math.round((processCpuUs(prometheusPid) - promBefore) / requests) },
  };
}

const missing = prometheusMissing();
if (missing) {
  console.log(`bench:datasource ${missing}`);
  console.log(JSON.stringify({ bench: 'datasource', skipped: missing }));
  process.exit(0);
}

const end = Math.floor(Date.now() / 3_600_000) * 3600 - 7200;
const from = end - (POINTS - 1) * 60;
const labelSets = Array.from({ length: 50 }, (_, i) => ({ i: String(i) }));
const prometheus = await startPrometheus({ backfill: openMetricsGauge('bench_series', labelSets, { fromSeconds: from, stepSeconds: 60, count: POINTS }, (t, s) => 50 + 30 * Math.sin(t / 60 + s) + ((t * 7919 + s) % 13)) });
prometheusPid = prometheus.process.pid!;
const servers: TestServer[] = [];
try {
  async function proxyServer(cacheMaxBytes: number): Promise<{ server: TestServer; base: string; auth: Record<string, string> }> {
    const server = await startTestServer({ listen: true, datasources: { cacheMaxBytes, cacheTtlMs: 10 * 60_000, queriesPerMinute: 1_000_000_000 } });
    servers.push(server);
    const created = await server.injectAs('admin', { method: 'POST', url: '/api/v1/datasources', payload: { name: 'bench', type: 'prometheus', url: prometheus.url, scrapeIntervalSeconds: 60 } });
    if (created.statusCode !== 201) throw new Error(`creating the source failed: ${created.body}`);
    // A viewer's session token: the metrics explorer's path.
    const auth = { authorization: `Bearer ${await server.tokenFor('viewer')}` };
    return { server, base: `${server.url}/api/v1/datasources/${(created.json() as { id: number }).id}`, auth };
  }
  const uncached = await proxyServer(0);
  const cached = await proxyServer(256 * 1024 * 1024);

  const cases = { oneSeries: 'bench_series{i="7"}', fiftySeries: 'bench_series' } as const;
  const figures: Record<string, { bytes: number; direct: RunFigures; uncached: RunFigures; cached: RunFigures; uncachedRatio: number; cachedRatio: number; proxyCpuUsPerRequest: number }> = {};
  for (const [name, query] of Object.entries(cases)) {
    const search = `query_range?${new URLSearchParams({ query, start: String(from), end: String(end), step: '60' })}`;
    const directUrl = `${prometheus.url}/api/v1/${search}`;
    // The answers must agree before their speed is worth comparing.
    const expected = Buffer.from(await (await fetch(directUrl)).arrayBuffer());
    for (const proxy of [uncached, cached]) {
      const got = Buffer.from(await (await fetch(`${proxy.base}/${search}`, { headers: proxy.auth })).arrayBuffer());
      if (!got.equals(expected)) throw new Error(`proxy answer for ${name} differs from Prometheus's`);
    }
    const direct = await run(directUrl);
    const viaUncached = await run(`${uncached.base}/${search}`, uncached.auth);
    const viaCached = await run(`${cached.base}/${search}`, cached.auth);
    figures[name] = {
      bytes: expected.length,
      direct,
      uncached: viaUncached,
      cached: viaCached,
      uncachedRatio: Number((viaUncached.requestsPerSecond / Math.max(0.1, direct.requestsPerSecond)).toFixed(3)),
      cachedRatio: Number((viaCached.requestsPerSecond / Math.max(0.1, direct.requestsPerSecond)).toFixed(3)),
      // What the proxy adds per request in CPU, whatever the machine's load: this process's
      // CPU per proxied request minus its CPU per direct request (the load generator's share).
      proxyCpuUsPerRequest: viaUncached.cpuUsPerRequest.here - direct.cpuUsPerRequest.here,
    };
  }
  // Latency overhead on an idle path: one connection, one series, proxy cache off.
  const oneSearch = `query_range?${new URLSearchParams({ query: cases.oneSeries, start: String(from), end: String(end), step: '60' })}`;
  const latencyDirect = await run(`${prometheus.url}/api/v1/${oneSearch}`, {}, 1);
  const latencyProxy = await run(`${uncached.base}/${oneSearch}`, uncached.auth, 1);
  const p99OverheadMs = Number((latencyProxy.latencyP99Ms - latencyDirect.latencyP99Ms).toFixed(2));
  const p50OverheadMs = Number((latencyProxy.latencyP50Ms - latencyDirect.latencyP50Ms).toFixed(2));

  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name} (${POINTS} points per series, ${f.bytes} bytes per answer):`);
    console.log(`  direct to Prometheus:  ${f.direct.requestsPerSecond} req/s, p50 ${f.direct.latencyP50Ms} ms, p99 ${f.direct.latencyP99Ms} ms`);
    console.log(`  proxy, cache off:      ${f.uncached.requestsPerSecond} req/s, p50 ${f.uncached.latencyP50Ms} ms, p99 ${f.uncached.latencyP99Ms} ms  (${f.uncachedRatio} × direct; target ≥ 0.8)`);
    console.log(`  proxy, cache on:       ${f.cached.requestsPerSecond} req/s, p50 ${f.cached.latencyP50Ms} ms, p99 ${f.cached.latencyP99Ms} ms  (${f.cachedRatio} × direct; target ≥ 2)`);
    console.log(`  CPU per request: Prometheus ${f.direct.cpuUsPerRequest.prometheus} µs; the proxy adds ${f.proxyCpuUsPerRequest} µs (cache on: ${f.cached.cpuUsPerRequest.here - f.direct.cpuUsPerRequest.here} µs, no Prometheus work)`);
  }
  console.log(`one series, one connection: direct p50 ${latencyDirect.latencyP50Ms} ms p99 ${latencyDirect.latencyP99Ms} ms; proxy p50 ${latencyProxy.latencyP50Ms} ms p99 ${latencyProxy.latencyP99Ms} ms; p99 overhead ${p99OverheadMs} ms (target < 5)`);
  const targetsMet =
    Object.values(figures).every((f) => f.uncachedRatio >= 0.8 && f.cachedRatio >= 2) && p99OverheadMs < 5;
  console.log(JSON.stringify({ bench: 'datasource', durationSeconds: DURATION, connections: CONNECTIONS, pointsPerSeries: POINTS, ...figures, latency: { direct: latencyDirect, proxy: latencyProxy, p50OverheadMs, p99OverheadMs }, targetsMet }));
  const all = [...Object.values(figures).flatMap((f) => [f.direct, f.uncached, f.cached]), latencyDirect, latencyProxy];
  if (all.some((f) => f.non2xx + f.errors > 0)) process.exitCode = 1;
} finally {
  for (const server of servers) await server.close();
  await prometheus.stop();
}
