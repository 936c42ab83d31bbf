/**
 * `npm run bench:datasource`: Prometheus range queries through our data source proxy
 * against the same queries sent directly to Prometheus, in one run, on loopback: one series
 * and fifty series (a day at 60 s, back-filled with promtool), through a proxy with its
 * cache off (every request reaches Prometheus) and with its cache on. Prints figures and
 * ratios, then one JSON object on the last line.
 * Targets (docs/datasources.md): uncached ≥ 0.8 × direct, cached ≥ 2 × direct, p99
 * overhead < 5 ms for one series (one connection, so the figure is the proxy's, not a queue's).
 * The p99 is per request, from a client that records each request once
 * (support/sequential-client.ts); wrk's p99 over the same rounds is printed beside it: wrk
 * corrects its histogram for coordinated omission, adding synthetic samples for every request
 * slower than the mean interval, so its figure weighs each pause by its length.
 *
 * Three layouts of the processes on the CPUs, each measured in full:
 * - `apart` (judged): the proxy alone on CPU 1, Prometheus and the load generator on CPU 0.
 *   The deployment has three machines (the browser, our server, Prometheus) and this one
 *   two CPUs; here the generator's own CPU is charged to the same place, Prometheus's CPU,
 *   whether it calls Prometheus directly or through the proxy, so a ratio compares what the
 *   proxy adds and nothing else. Needs two CPUs and taskset.
 * - `split`: Prometheus on CPU 0, the proxy and the generator on CPU 1. The generator then
 *   has CPU 1 to itself in the direct runs but shares it with the proxy in the proxy runs,
 *   so the proxy's ratio also pays for the generator's CPU (printed, not judged; the
 *   figures of earlier runs in docs/benchmarks.md are this layout's).
 * - `shared`: every process on every CPU, so the proxy, Prometheus and the generator
 *   compete for the same cores (a ratio then also counts the proxy's CPU against
 *   Prometheus's throughput).
 *
 * Fairness on a shared machine: the three ways (direct, proxy uncached, proxy cached) are
 * measured in interleaved rounds (the order rotating each round) with the same load
 * generator settings (connections, pipelining, keep-alive, headers), and the figures are the
 * medians of the per-round ratios, so a change of machine load between runs shifts both sides
 * of a ratio alike. The load generator is wrk when installed (bench/support/load.ts), else
 * autocannon in a worker thread; the proxy's own CPU per request is this process's main
 * thread (its event loop). The proxies run at the default log level (`info`: one access line
 * per request), written to /dev/null.
 * Env: BENCH_DURATION (seconds per run, default 3), BENCH_ROUNDS (default 4),
 * BENCH_CONNECTIONS (default 10), BENCH_PIPELINING (requests in flight per connection,
 * default 1; >1 uses autocannon), BENCH_GZIP=1 (send `Accept-Encoding: gzip`, as browsers do,
 * to both), BENCH_CLIENT (wrk | autocannon), BENCH_LAYOUTS (default "apart,split,shared").
 */
import fs from 'node:fs';
import os from 'node:os';
import { loadClient, runLoad } from './support/load.ts';
import { cpuSecondsByThread, pinToCpus, which } from './support/processes.ts';
import { openMetricsGauge, prometheusMissing, startPrometheus } from '../server/src/testing/prometheus.ts';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.ts';
import { startBenchProxy } from './support/bench-proxy.ts';
import { recordPauses, type Pauses } from './support/pauses.ts';
import { runSequential, type SequentialResult } from './support/sequential-client.ts';
import { runWithServerFlags } from './support/server-flags.ts';

// The proxies run in this process, with the server's V8 flags (scripts/server-runtime-env.ts).
const NODE_FLAGS = runWithServerFlags();

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
  /**
   * CPU time per request, µs: the proxy's event loop (this process's main thread), V8's
   * background threads of this process (concurrent marking and sweeping, the compilers) and
   * Prometheus.
   */
  cpuUsPerRequest: { proxy: number; proxyV8Background: number; prometheus: number };
  /** Full collections of this process during the run (each marks its whole heap). */
  proxyFullGcs: number;
  /**
   * Where a request's time goes (docs/benchmarks.md, "The proxy's ratio is latency-bound"):
   * the mean time Prometheus's own handler spent on each range query (its
   * `prometheus_http_request_duration_seconds`, from reading the request to the handler's
   * return), and the share of each CPU that was busy (any process, /proc/stat).
   */
  prometheusHandlerMs: number;
  cpuBusy: number[];
}

/** CPU seconds of this process's V8 background threads (10 ms resolution: ~2 µs a request over a run). */
const v8BackgroundSeconds = () => cpuSecondsByThread(process.pid)['v8 background'] ?? 0;

/** User + system CPU time of a process, µs, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** Busy and total clock ticks of each CPU (/proc/stat: idle and iowait count as not busy). */
function cpuTicks(): { busy: number; total: number }[] {
  return fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      const ticks = line.trim().split(/\s+/).slice(1).map(Number);
      const total = ticks.reduce((sum, value) => sum + value, 0);
      return { busy: total - ticks[3]! - ticks[4]!, total };
    });
}

/** Sum and count of Prometheus's own handler time for range queries, from its /metrics. */
async function prometheusRangeHandler(baseUrl: string): Promise<{ seconds: number; count: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const of = (suffix: string) => Number(new RegExp(`^prometheus_http_request_duration_seconds_${suffix}\\{handler="/api/v1/query_range"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { seconds: of('sum'), count: of('count') };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round3 = (value: number) => Number(value.toFixed(3));
const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2)));

let prometheusPid = 0;
let prometheusUrl = '';
const CLIENT = loadClient();
/** The CPUs the generator runs on in the current layout (undefined: any). */
let generatorCpus: string | undefined;

async function run(url: string, headers: Record<string, string> = {}, connections = CONNECTIONS, pipelining = PIPELINING): Promise<RunFigures> {
  // Read before the CPU counters start: this fetch is the script's, not the proxy's.
  const handlerBefore = await prometheusRangeHandler(prometheusUrl);
  const ticksBefore = cpuTicks();
  // The main thread is the proxy's event loop (the script waits meanwhile); the generator is wrk or a worker.
  const proxyBefore = process.threadCpuUsage();
  const backgroundBefore = v8BackgroundSeconds();
  const pausesOf = recordPauses();
  const promBefore = processCpuUs(prometheusPid);
  const result = await runLoad(CLIENT, { url, headers: GZIP ? { ...headers, 'accept-encoding': 'gzip' } : headers, connections, pipelining, durationSeconds: DURATION, cpus: generatorCpus });
  const proxy = process.threadCpuUsage(proxyBefore);
  const background = v8BackgroundSeconds() - backgroundBefore;
  const pauses = pausesOf();
  const ticks = cpuTicks().map((cpu, i) => ({ busy: cpu.busy - ticksBefore[i]!.busy, total: cpu.total - ticksBefore[i]!.total }));
  const handlerAfter = await prometheusRangeHandler(prometheusUrl);
  const requests = Math.max(1, result.requests);
  return {
    requestsPerSecond: result.requestsPerSecond,
    latencyP50Ms: result.latencyP50Ms,
    latencyP99Ms: result.latencyP99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest: { proxy: Math.round((proxy.user + proxy.system) / requests), proxyV8Background: Math.round((background * 1e6) / requests), prometheus: Math.round((processCpuUs(prometheusPid) - promBefore) / requests) },
    proxyFullGcs: pauses.gc.full,
    prometheusHandlerMs: round3(((handlerAfter.seconds - handlerBefore.seconds) * 1000) / Math.max(1, handlerAfter.count - handlerBefore.count)),
    cpuBusy: ticks.map((cpu) => round3(cpu.busy / Math.max(1, cpu.total))),
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
    cpuUsPerRequest: { proxy: of((r) => r.cpuUsPerRequest.proxy), proxyV8Background: of((r) => r.cpuUsPerRequest.proxyV8Background), prometheus: of((r) => r.cpuUsPerRequest.prometheus) },
    proxyFullGcs: of((r) => r.proxyFullGcs),
    prometheusHandlerMs: round3(of((r) => r.prometheusHandlerMs)),
    cpuBusy: runs[0]!.cpuBusy.map((_, cpu) => round3(of((r) => r.cpuBusy[cpu]!))),
  };
}

type Layout = 'apart' | 'split' | 'shared';
const LAYOUT_NAMES: readonly Layout[] = ['apart', 'split', 'shared'];
const cpuCount = os.availableParallelism();
const allCpus = `0-${cpuCount - 1}`;
const askedLayouts = (process.env.BENCH_LAYOUTS ?? 'apart,split,shared').split(',').map((name) => name.trim()) as Layout[];
for (const layout of askedLayouts) if (!LAYOUT_NAMES.includes(layout)) throw new Error(`BENCH_LAYOUTS: unknown layout "${String(layout)}" (${LAYOUT_NAMES.join(', ')})`);
const splitMissing = cpuCount < 2 ? `needs two CPUs, this machine has ${cpuCount}` : !which('taskset') ? 'needs taskset (util-linux)' : CLIENT !== 'wrk' ? 'needs wrk (apt-get install wrk): autocannon runs inside this process and cannot be pinned apart' : null;
const layouts = askedLayouts.filter((layout) => layout === 'shared' || splitMissing === null);

/** Puts Prometheus, this process (the proxies) and the generator on their CPUs for a layout. */
function arrange(layout: Layout): void {
  if (layout === 'shared') {
    // Undoes a split layout; without taskset nothing was ever pinned, so nothing to undo.
    pinToCpus(prometheusPid, allCpus);
    pinToCpus(process.pid, allCpus);
    generatorCpus = undefined;
    return;
  }
  if (!pinToCpus(prometheusPid, '0') || !pinToCpus(process.pid, '1')) throw new Error(`could not pin the processes for the ${layout} layout (taskset)`);
  generatorCpus = layout === 'apart' ? '0' : '1';
}

const missing = prometheusMissing();
if (missing) {
  console.log(`bench:datasource ${missing}`);
  console.log(JSON.stringify({ bench: 'datasource', skipped: missing }));
  process.exit(0);
}

type CaseFigures = { bytes: number; direct: RunFigures; uncached: RunFigures; cached: RunFigures; uncachedRatio: number; cachedRatio: number; roundRatios: { uncached: number[]; cached: number[] }; proxyCpuUsPerRequest: { uncached: number; cached: number } };
type LatencyFigures = {
  /** Per request (the sequential client): what the target is judged on. */
  direct: SequentialResult;
  proxy: SequentialResult;
  p50OverheadMs: number;
  p99OverheadMs: number;
  roundP99OverheadMs: number[];
  /** wrk's figures over the same rounds (coordinated-omission corrected, see the header). */
  wrk: { direct: RunFigures; proxy: RunFigures; p99OverheadMs: number; roundP99OverheadMs: number[] };
  roundPauses: Pauses[];
};
type LayoutFigures = { cases: Record<string, CaseFigures>; latency: LatencyFigures; targetsMet: boolean; loadAverage: { start: number[]; end: number[] } };

const end = Math.floor(Date.now() / 3_600_000) * 3600 - 7200;
const from = end - (POINTS - 1) * 60;
const labelSets = Array.from({ length: 50 }, (_, i) => ({ i: String(i) }));
const prometheus = await startPrometheus({ backfill: openMetricsGauge('bench_series', labelSets, { fromSeconds: from, stepSeconds: 60, count: POINTS }, (t, s) => 50 + 30 * Math.sin(t / 60 + s) + ((t * 7919 + s) % 13)) });
prometheusPid = prometheus.process.pid!;
prometheusUrl = prometheus.url;
const servers: TestServer[] = [];
try {
  async function proxyServer(cacheMaxBytes: number): Promise<{ server: TestServer; base: string; auth: Record<string, string> }> {
    const { server, base, headers } = await startBenchProxy(startTestServer, prometheus.url, cacheMaxBytes);
    servers.push(server);
    return { server, base, auth: headers };
  }
  const uncached = await proxyServer(0);
  const cached = await proxyServer(256 * 1024 * 1024);

  const cases = { oneSeries: 'bench_series{i="7"}', fiftySeries: 'bench_series' } as const;
  type Way = 'direct' | 'uncached' | 'cached';
  const searchOf = (query: string) => `query_range?${new URLSearchParams({ query, start: String(from), end: String(end), step: '60' })}`;
  const expectedBytes: Record<string, number> = {};
  for (const [name, query] of Object.entries(cases)) {
    // The answers must agree before their speed is worth comparing.
    const expected = Buffer.from(await (await fetch(`${prometheus.url}/api/v1/${searchOf(query)}`)).arrayBuffer());
    for (const proxy of [uncached, cached]) {
      const got = Buffer.from(await (await fetch(`${proxy.base}/${searchOf(query)}`, { headers: proxy.auth })).arrayBuffer());
      if (!got.equals(expected)) throw new Error(`proxy answer for ${name} differs from Prometheus's`);
    }
    expectedBytes[name] = expected.length;
  }

  async function measure(layout: Layout): Promise<LayoutFigures> {
    arrange(layout);
    const loadAtStart = loadAverage();
    const figures: Record<string, CaseFigures> = {};
    for (const [name, query] of Object.entries(cases)) {
      const search = searchOf(query);
      const targets: Record<Way, () => Promise<RunFigures>> = {
        direct: () => run(`${prometheus.url}/api/v1/${search}`),
        uncached: () => run(`${uncached.base}/${search}`, uncached.auth),
        cached: () => run(`${cached.base}/${search}`, cached.auth),
      };
      const runs: Record<Way, RunFigures[]> = { direct: [], uncached: [], cached: [] };
      const order: Way[] = ['direct', 'uncached', 'cached'];
      // One unmeasured run of each way first, so that no measured round pays for JIT
      // compilation, heap growth or the connection pools (the first rounds were up to 2× slower).
      for (const way of order) await targets[way]();
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
        bytes: expectedBytes[name]!,
        direct,
        uncached: viaUncached,
        cached: viaCached,
        uncachedRatio: round3(median(roundRatios.uncached)),
        cachedRatio: round3(median(roundRatios.cached)),
        roundRatios,
        // What the proxy's event loop spends per request (the generator is in its own thread or process).
        proxyCpuUsPerRequest: { uncached: viaUncached.cpuUsPerRequest.proxy, cached: viaCached.cpuUsPerRequest.proxy },
      };
    }
    // Latency overhead on an idle path: one connection, no pipelining, one series, proxy cache off, interleaved rounds.
    const oneSearch = searchOf(cases.oneSeries);
    const sequential = (url: string, headers: Record<string, string> = {}) => runSequential({ url, headers: GZIP ? { ...headers, 'accept-encoding': 'gzip' } : headers, durationSeconds: DURATION, cpus: generatorCpus });
    const rounds = { direct: [] as SequentialResult[], proxy: [] as SequentialResult[], p99: [] as number[], p50: [] as number[], pauses: [] as Pauses[], wrkDirect: [] as RunFigures[], wrkProxy: [] as RunFigures[], wrkP99: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const direct = await sequential(`${prometheus.url}/api/v1/${oneSearch}`);
      const pausesOf = recordPauses();
      const proxy = await sequential(`${uncached.base}/${oneSearch}`, uncached.auth);
      rounds.pauses.push(pausesOf());
      rounds.direct.push(direct);
      rounds.proxy.push(proxy);
      rounds.p99.push(round3(proxy.latencyP99Ms - direct.latencyP99Ms));
      rounds.p50.push(round3(proxy.latencyP50Ms - direct.latencyP50Ms));
      const wrkDirect = await run(`${prometheus.url}/api/v1/${oneSearch}`, {}, 1, 1);
      const wrkProxy = await run(`${uncached.base}/${oneSearch}`, uncached.auth, 1, 1);
      rounds.wrkDirect.push(wrkDirect);
      rounds.wrkProxy.push(wrkProxy);
      rounds.wrkP99.push(round3(wrkProxy.latencyP99Ms - wrkDirect.latencyP99Ms));
    }
    const medianSequential = (runs: SequentialResult[]): SequentialResult => {
      const of = (pick: (run: SequentialResult) => number) => median(runs.map(pick));
      return {
        requests: of((r) => r.requests),
        requestsPerSecond: of((r) => r.requestsPerSecond),
        latencyP50Ms: of((r) => r.latencyP50Ms),
        latencyP99Ms: of((r) => r.latencyP99Ms),
        latencyP999Ms: of((r) => r.latencyP999Ms),
        latencyMaxMs: Math.max(...runs.map((r) => r.latencyMaxMs)),
        non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
      };
    };
    const latency: LatencyFigures = {
      direct: medianSequential(rounds.direct),
      proxy: medianSequential(rounds.proxy),
      p50OverheadMs: round3(median(rounds.p50)),
      p99OverheadMs: round3(median(rounds.p99)),
      roundP99OverheadMs: rounds.p99,
      wrk: { direct: medianOf(rounds.wrkDirect), proxy: medianOf(rounds.wrkProxy), p99OverheadMs: round3(median(rounds.wrkP99)), roundP99OverheadMs: rounds.wrkP99 },
      // The proxy process's own pauses in each round: a tail they explain is the runtime's, not the proxy's path.
      roundPauses: rounds.pauses,
    };
    const targetsMet = Object.values(figures).every((f) => f.uncachedRatio >= 0.8 && f.cachedRatio >= 2) && latency.p99OverheadMs < 5;
    return { cases: figures, latency, targetsMet, loadAverage: { start: loadAtStart, end: loadAverage() } };
  }

  const results: Partial<Record<Layout, LayoutFigures>> = {};
  for (const layout of layouts) results[layout] = await measure(layout);
  arrange('shared');

  console.log(`the proxies' process: NODE_OPTIONS ${NODE_FLAGS || '(none)'}`);
  console.log(`load generator ${CLIENT}; ${ROUNDS} interleaved rounds of ${DURATION} s per way, ${CONNECTIONS} connections, pipelining ${PIPELINING}${GZIP ? ', Accept-Encoding: gzip' : ''} (medians below)`);
  if (askedLayouts.some((layout) => layout !== 'shared') && splitMissing) console.log(`apart and split layouts skipped: ${splitMissing}`);
  for (const [layout, result] of Object.entries(results)) {
    const where = { apart: 'the proxy on CPU 1; Prometheus and the load generator on CPU 0', split: 'Prometheus on CPU 0; the proxy and the load generator on CPU 1', shared: `every process on CPUs ${allCpus}` }[layout as Layout];
    console.log(`\n== layout ${layout} (${where}); load average ${result.loadAverage.start.join(' ')} at the start, ${result.loadAverage.end.join(' ')} at the end`);
    for (const [name, f] of Object.entries(result.cases)) {
      console.log(`${name} (${POINTS} points per series, ${f.bytes} bytes per answer):`);
      console.log(`  direct to Prometheus:  ${f.direct.requestsPerSecond} req/s, p50 ${f.direct.latencyP50Ms} ms, p99 ${f.direct.latencyP99Ms} ms  (Prometheus ${f.direct.cpuUsPerRequest.prometheus} µs CPU per request)`);
      console.log(`  proxy, cache off:      ${f.uncached.requestsPerSecond} req/s, p50 ${f.uncached.latencyP50Ms} ms, p99 ${f.uncached.latencyP99Ms} ms  (${f.uncachedRatio} × direct, rounds ${f.roundRatios.uncached.join(' ')}; target ≥ 0.8)`);
      console.log(`  proxy, cache on:       ${f.cached.requestsPerSecond} req/s, p50 ${f.cached.latencyP50Ms} ms, p99 ${f.cached.latencyP99Ms} ms  (${f.cachedRatio} × direct, rounds ${f.roundRatios.cached.join(' ')}; target ≥ 2)`);
      console.log(`  proxy CPU per request (its event loop): ${f.proxyCpuUsPerRequest.uncached} µs uncached, ${f.proxyCpuUsPerRequest.cached} µs cached; V8's background threads (mostly marking) ${f.uncached.cpuUsPerRequest.proxyV8Background} / ${f.cached.cpuUsPerRequest.proxyV8Background} µs; full collections per run ${f.uncached.proxyFullGcs} / ${f.cached.proxyFullGcs}`);
      const meanMs = (run: RunFigures) => round3((CONNECTIONS * 1000) / Math.max(0.1, run.requestsPerSecond));
      console.log(
        `  where a request's time goes (mean latency = ${CONNECTIONS} connections / req/s): direct ${meanMs(f.direct)} ms, of it Prometheus's own handler ${f.direct.prometheusHandlerMs} ms; ` +
          `proxy uncached ${meanMs(f.uncached)} ms, of it Prometheus's handler ${f.uncached.prometheusHandlerMs} ms; CPUs busy direct ${f.direct.cpuBusy.join(' / ')}, proxy uncached ${f.uncached.cpuBusy.join(' / ')}`,
      );
    }
    const l = result.latency;
    console.log(
      `one series, one connection, per request: direct p50 ${l.direct.latencyP50Ms} ms p99 ${l.direct.latencyP99Ms} ms p99.9 ${l.direct.latencyP999Ms} ms max ${l.direct.latencyMaxMs} ms; ` +
        `proxy p50 ${l.proxy.latencyP50Ms} ms p99 ${l.proxy.latencyP99Ms} ms p99.9 ${l.proxy.latencyP999Ms} ms max ${l.proxy.latencyMaxMs} ms; p99 overhead ${l.p99OverheadMs} ms (rounds ${l.roundP99OverheadMs.join(' ')}; target < 5)`,
    );
    console.log(`  wrk, same rounds (coordinated-omission corrected: each pause weighed by its length): direct p99 ${l.wrk.direct.latencyP99Ms} ms, proxy p99 ${l.wrk.proxy.latencyP99Ms} ms; p99 overhead ${l.wrk.p99OverheadMs} ms (rounds ${l.wrk.roundP99OverheadMs.join(' ')})`);
    console.log(`  the proxy process's pauses per round: ${l.roundPauses.map((p) => `GC ${p.gc.count} (${p.gc.full} full, ${p.gc.over5Ms} over 5 ms, longest ${p.gc.maxMs} ms ${p.gc.maxKind}), loop delay p99 ${p.loopDelay.p99Ms} max ${p.loopDelay.maxMs} ms`).join('; ')}`);
    console.log(`targets ${result.targetsMet ? 'met' : 'not met'} in the ${layout} layout`);
  }
  // The first measured layout in LAYOUT_NAMES' order: apart, else split, else shared.
  const judged = LAYOUT_NAMES.find((layout) => results[layout]);
  console.log(
    JSON.stringify({
      bench: 'datasource',
      nodeOptions: NODE_FLAGS,
      client: CLIENT,
      rounds: ROUNDS,
      durationSeconds: DURATION,
      connections: CONNECTIONS,
      pipelining: PIPELINING,
      gzip: GZIP,
      pointsPerSeries: POINTS,
      layouts: results,
      ...(askedLayouts.some((layout) => layout !== 'shared') && splitMissing ? { splitSkipped: splitMissing } : {}),
      // Judged where the proxy has a CPU of its own and the generator's CPU is charged alike to both ways (see the header); the first measured layout otherwise.
      judgedLayout: judged ?? null,
      targetsMet: judged ? results[judged]!.targetsMet : false,
    }),
  );
  const all = Object.values(results).flatMap((r) => [...Object.values(r.cases).flatMap((f) => [f.direct, f.uncached, f.cached]), r.latency.direct, r.latency.proxy, r.latency.wrk.direct, r.latency.wrk.proxy]);
  if (all.some((f) => f.non2xx + f.errors > 0)) process.exitCode = 1;
} finally {
  for (const server of servers) await server.close();
  await prometheus.stop();
}
