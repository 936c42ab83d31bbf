/**
 * `npm run bench:datasource`: Prometheus range queries through our data source proxy
 * against the same queries sent directly to Prometheus, in one run, on loopback: one series
 * and fifty series (a day at 60 s, back-filled with promtool), through a proxy with its
 * cache off (every request reaches Prometheus) and with its cache on. Prints figures and
 * ratios, then one JSON object on the last line.
 * Targets (docs/datasources.md): uncached ≥ 0.8 × direct, cached ≥ 2 × direct, p99
 * overhead < 5 ms for one series (one connection, so the figure is the proxy's, not a queue's).
 *
 * Fairness on a shared machine: the three ways (direct, proxy uncached, proxy cached) are
 * measured in interleaved rounds (the order rotating each round) with the same load
 * generator settings (connections, pipelining, keep-alive, headers), and the figures are the
 * medians of the per-round ratios, so a change of machine load between runs shifts both sides
 * of a ratio alike. The load generator runs in a worker thread; the proxy's own CPU per
 * request is the main thread's (its event loop), measured apart from the generator's.
 * Env: BENCH_DURATION (seconds per run, default 3), BENCH_ROUNDS (default 4),
 * BENCH_CONNECTIONS (default 10), BENCH_PIPELINING (requests in flight per connection,
 * default 1), BENCH_GZIP=1 (send `Accept-Encoding: gzip`, as browsers do, to both).
 */
import fs from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { openMetricsGauge, prometheusMissing, startPrometheus } from '../server/src/testing/prometheus.ts';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 1);
const GZIP = process.env.BENCH_GZIP === '1';
const POINTS = 1440;

interface RunFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU time per request, µs: the proxy's event loop (this process's main thread) and Prometheus. */
  cpuUsPerRequest: { proxy: number; prometheus: number };
}

/** User + system CPU time of a process, µs, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in clock ticks of 1/100 s
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round3 = (value: number) => Number(value.toFixed(3));
const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2)));

let prometheusPid = 0;

async function run(url: string, headers: Record<string, string> = {}, connections = CONNECTIONS, pipelining = PIPELINING): Promise<RunFigures> {
  // The main thread is the proxy's event loop (the script waits meanwhile); the generator is a worker.
  const proxyBefore = process.threadCpuUsage();
  const promBefore = processCpuUs(prometheusPid);
  const result = await autocannon({ url, headers: GZIP ? { ...headers, 'accept-encoding': 'gzip' } : headers, connections, pipelining, duration: DURATION, workers: 1 });
  const proxy = process.threadCpuUsage(proxyBefore);
  const requests = Math.max(1, result.requests.total);
  return {
    // From the total, to one decimal: the fifty-series runs complete only a few requests a second.
    requestsPerSecond: Math.round((result.requests.total / DURATION) * 10) / 10,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest: { proxy: Math.round((proxy.user + proxy.system) / requests), prometheus: Math.round((processCpuUs(prometheusPid) - promBefore) / requests) },
  };
}

/** The median of each figure over the rounds. */
function medianOf(runs: RunFigures[]): RunFigures {
  const of = (pick: (run: RunFigures) => number) => median(runs.map(pick));
  return {
    requestsPerSecond: of((r) => r.requestsPerSecond),
    latencyP50Ms: of((r) => r.latencyP50Ms),
    latencyP99Ms: of((r) => r.latencyP99Ms),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    cpuUsPerRequest: { proxy: of((r) => r.cpuUsPerRequest.proxy), prometheus: of((r) => r.cpuUsPerRequest.prometheus) },
  };
}

const missing = prometheusMissing();
if (missing) {
  console.log(`bench:datasource ${missing}`);
  console.log(JSON.stringify({ bench: 'datasource', skipped: missing }));
  process.exit(0);
}

const loadAtStart = loadAverage();
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
  type Way = 'direct' | 'uncached' | 'cached';
  const figures: Record<string, { bytes: number; direct: RunFigures; uncached: RunFigures; cached: RunFigures; uncachedRatio: number; cachedRatio: number; roundRatios: { uncached: number[]; cached: number[] }; proxyCpuUsPerRequest: { uncached: number; cached: number } }> = {};
  for (const [name, query] of Object.entries(cases)) {
    const search = `query_range?${new URLSearchParams({ query, start: String(from), end: String(end), step: '60' })}`;
    const directUrl = `${prometheus.url}/api/v1/${search}`;
    // The answers must agree before their speed is worth comparing.
    const expected = Buffer.from(await (await fetch(directUrl)).arrayBuffer());
    for (const proxy of [uncached, cached]) {
      const got = Buffer.from(await (await fetch(`${proxy.base}/${search}`, { headers: proxy.auth })).arrayBuffer());
      if (!got.equals(expected)) throw new Error(`proxy answer for ${name} differs from Prometheus's`);
    }
    const targets: Record<Way, () => Promise<RunFigures>> = {
      direct: () => run(directUrl),
      uncached: () => run(`${uncached.base}/${search}`, uncached.auth),
      cached: () => run(`${cached.base}/${search}`, cached.auth),
    };
    const runs: Record<Way, RunFigures[]> = { direct: [], uncached: [], cached: [] };
    const order: Way[] = ['direct', 'uncached', 'cached'];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotated, so no way always runs first (or right after the heaviest).
      for (let i = 0; i < order.length; i++) {
        const way = order[(i + round) % order.length]!;
        runs[way].push(await targets[way]());
      }
    }
    const ratios = (way: Way) => runs[way].map((r, i) => round3(r.requestsPerSecond / Math.max(0.1, runs.direct[i]!.requestsPerSecond)));
    const roundRatios = { uncached: ratios('uncached'), cached: ratios('cached') };
    const [direct, viaUncached, viaCached] = [medianOf(runs.direct), medianOf(runs.uncached), medianOf(runs.cached)];
    figures[name] = {
      bytes: expected.length,
      direct,
      uncached: viaUncached,
      cached: viaCached,
      uncachedRatio: round3(median(roundRatios.uncached)),
      cachedRatio: round3(median(roundRatios.cached)),
      roundRatios,
      // What the proxy's event loop spends per request (the generator is in its own thread).
      proxyCpuUsPerRequest: { uncached: viaUncached.cpuUsPerRequest.proxy, cached: viaCached.cpuUsPerRequest.proxy },
    };
  }
  // Latency overhead on an idle path: one connection, no pipelining, one series, proxy cache off, interleaved rounds.
  const oneSearch = `query_range?${new URLSearchParams({ query: cases.oneSeries, start: String(from), end: String(end), step: '60' })}`;
  const latencyRuns = { direct: [] as RunFigures[], proxy: [] as RunFigures[], p99OverheadMs: [] as number[], p50OverheadMs: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const direct = await run(`${prometheus.url}/api/v1/${oneSearch}`, {}, 1, 1);
    const proxy = await run(`${uncached.base}/${oneSearch}`, uncached.auth, 1, 1);
    latencyRuns.direct.push(direct);
    latencyRuns.proxy.push(proxy);
    latencyRuns.p99OverheadMs.push(proxy.latencyP99Ms - direct.latencyP99Ms);
    latencyRuns.p50OverheadMs.push(proxy.latencyP50Ms - direct.latencyP50Ms);
  }
  const latencyDirect = medianOf(latencyRuns.direct);
  const latencyProxy = medianOf(latencyRuns.proxy);
  const p99OverheadMs = round3(median(latencyRuns.p99OverheadMs));
  const p50OverheadMs = round3(median(latencyRuns.p50OverheadMs));
  const loadAtEnd = loadAverage();

  console.log(`${ROUNDS} interleaved rounds of ${DURATION} s per way, ${CONNECTIONS} connections, pipelining ${PIPELINING}${GZIP ? ', Accept-Encoding: gzip' : ''}; load average ${loadAtStart.join(' ')} at the start, ${loadAtEnd.join(' ')} at the end (medians below)`);
  for (const [name, f] of Object.entries(figures)) {
    console.log(`${name} (${POINTS} points per series, ${f.bytes} bytes per answer):`);
    console.log(`  direct to Prometheus:  ${f.direct.requestsPerSecond} req/s, p50 ${f.direct.latencyP50Ms} ms, p99 ${f.direct.latencyP99Ms} ms  (Prometheus ${f.direct.cpuUsPerRequest.prometheus} µs CPU per request)`);
    console.log(`  proxy, cache off:      ${f.uncached.requestsPerSecond} req/s, p50 ${f.uncached.latencyP50Ms} ms, p99 ${f.uncached.latencyP99Ms} ms  (${f.uncachedRatio} × direct, rounds ${f.roundRatios.uncached.join(' ')}; target ≥ 0.8)`);
    console.log(`  proxy, cache on:       ${f.cached.requestsPerSecond} req/s, p50 ${f.cached.latencyP50Ms} ms, p99 ${f.cached.latencyP99Ms} ms  (${f.cachedRatio} × direct, rounds ${f.roundRatios.cached.join(' ')}; target ≥ 2)`);
    console.log(`  proxy CPU per request (its event loop): ${f.proxyCpuUsPerRequest.uncached} µs uncached, ${f.proxyCpuUsPerRequest.cached} µs cached`);
  }
  console.log(`one series, one connection: direct p50 ${latencyDirect.latencyP50Ms} ms p99 ${latencyDirect.latencyP99Ms} ms; proxy p50 ${latencyProxy.latencyP50Ms} ms p99 ${latencyProxy.latencyP99Ms} ms; p99 overhead ${p99OverheadMs} ms (rounds ${latencyRuns.p99OverheadMs.join(' ')}; target < 5)`);
  const targetsMet = Object.values(figures).every((f) => f.uncachedRatio >= 0.8 && f.cachedRatio >= 2) && p99OverheadMs < 5;
  console.log(
    JSON.stringify({
      bench: 'datasource',
      rounds: ROUNDS,
      durationSeconds: DURATION,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      gzip: GZIP,
      pointsPerSeries: POINTS,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      ...figures,
      latency: { direct: latencyDirect, proxy: latencyProxy, p50OverheadMs, p99OverheadMs, roundP99OverheadMs: latencyRuns.p99OverheadMs },
      targetsMet,
    }),
  );
  const all = [...Object.values(figures).flatMap((f) => [f.direct, f.uncached, f.cached]), latencyDirect, latencyProxy];
  if (all.some((f) => f.non2xx + f.errors > 0)) process.exitCode = 1;
} finally {
  for (const server of servers) await server.close();
  await prometheus.stop();
}
