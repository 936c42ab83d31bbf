/**
 * `npm run bench:datasource-ab`: the data source proxy of this checkout against the one of
 * another checkout (BENCH_BASE, e.g. /work/main), each in a process of its own, on the same
 * Prometheus, one-series range queries (47,853 bytes), cache off and on, in interleaved
 * rounds (the order rotating), so a change of the machine's load shifts both sides alike.
 * The figure that holds on a shared machine is the proxy's CPU per request (its process's
 * main thread, which only one proxy uses at a time); V8's background threads per request
 * (concurrent marking) and req/s are printed beside it.
 *
 * Layout (BENCH_LAYOUT): `split` (default; Prometheus on CPU 0, this process and wrk on CPU
 * 1, as bench:datasource's split layout, both proxies' processes on CPU 1) or `shared` (every process on every CPU).
 * Env: BENCH_BASE (required), BENCH_ROUNDS (default 6), BENCH_DURATION (s, default 3),
 * BENCH_CONNECTIONS (default 10). Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadClient, runLoad } from './support/load.ts';
import { cpuSecondsByThread, pinToCpus, which } from './support/processes.ts';
import { nodeOptions, V8_FLAGS } from '../scripts/server-runtime-env.ts';
import { openMetricsGauge, prometheusMissing, startPrometheus } from '../server/src/testing/prometheus.ts';

const BASE = process.env.BENCH_BASE;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LAYOUT = process.env.BENCH_LAYOUT ?? 'split';
const POINTS = 1440;

if (!BASE) {
  console.log('bench:datasource-ab needs BENCH_BASE=<root of the checkout to compare with>');
  process.exit(2);
}
const missing = prometheusMissing();
if (missing) {
  console.log(`bench:datasource-ab ${missing}`);
  console.log(JSON.stringify({ bench: 'datasource-ab', skipped: missing }));
  process.exit(0);
}
const CLIENT = loadClient();
if (LAYOUT === 'split' && (os.availableParallelism() < 2 || !which('taskset') || CLIENT !== 'wrk')) throw new Error('the split layout needs two CPUs, taskset and wrk (BENCH_LAYOUT=shared otherwise)');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2)));


const end = Math.floor(Date.now() / 3_600_000) * 3600 - 7200;
const from = end - (POINTS - 1) * 60;
const labelSets = Array.from({ length: 50 }, (_, i) => ({ i: String(i) }));
const prometheus = await startPrometheus({ backfill: openMetricsGauge('bench_series', labelSets, { fromSeconds: from, stepSeconds: 60, count: POINTS }, (t, s) => 50 + 30 * Math.sin(t / 60 + s) + ((t * 7919 + s) % 13)) });
const children: ChildProcess[] = [];
try {
  /** A checkout's two proxies (cache off, on) in a process of their own: two checkouts' test servers cannot share one. */
  async function proxies(root: string) {
    // With the server's V8 flags (scripts/server-runtime-env.ts), as bench:datasource's proxies.
    const env = { ...process.env, NODE_OPTIONS: nodeOptions(V8_FLAGS, process.env.NODE_OPTIONS) };
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'support/proxy-child.ts'), root, prometheus.url], { stdio: ['pipe', 'pipe', 'inherit'], env });
    children.push(child);
    const [line] = (await once(readline.createInterface({ input: child.stdout! }), 'line')) as [string];
    const urls = JSON.parse(line) as Record<'uncached' | 'cached', { base: string; headers: Record<string, string> }>;
    return { pid: child.pid!, ...urls };
  }
  const base = await proxies(path.resolve(BASE));
  const ours = await proxies(path.resolve(import.meta.dirname, '..'));
  const search = `query_range?${new URLSearchParams({ query: 'bench_series{i="7"}', start: String(from), end: String(end), step: '60' })}`;
  const ways = {
    'base uncached': { pid: base.pid, ...base.uncached },
    'ours uncached': { pid: ours.pid, ...ours.uncached },
    'base cached': { pid: base.pid, ...base.cached },
    'ours cached': { pid: ours.pid, ...ours.cached },
  };
  type Way = keyof typeof ways;
  const expected = Buffer.from(await (await fetch(`${prometheus.url}/api/v1/${search}`)).arrayBuffer());
  for (const [name, way] of Object.entries(ways)) {
    const got = Buffer.from(await (await fetch(`${way.base}/${search}`, { headers: way.headers })).arrayBuffer());
    if (!got.equals(expected)) throw new Error(`${name}: the answer differs from Prometheus's`);
  }
  let cpus: string | undefined;
  if (LAYOUT === 'split') {
    if (!pinToCpus(prometheus.process.pid!, '0') || !pinToCpus(base.pid, '1') || !pinToCpus(ours.pid, '1')) throw new Error('could not pin the processes (taskset)');
    cpus = '1';
  }
  const loadAtStart = loadAverage();
  async function run(way: Way) {
    // The proxy's main thread (its event loop; the other proxy in that process is idle
    // meanwhile) and V8's background threads (concurrent marking: the full collections a
    // proxy's garbage brings about).
    const before = cpuSecondsByThread(ways[way].pid);
    const result = await runLoad(CLIENT, { url: `${ways[way].base}/${search}`, headers: ways[way].headers, connections: CONNECTIONS, pipelining: 1, durationSeconds: DURATION, cpus });
    const after = cpuSecondsByThread(ways[way].pid);
    const spent = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
    if (result.non2xx + result.errors > 0) throw new Error(`${way}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const requests = Math.max(1, result.requests);
    return { requestsPerSecond: result.requestsPerSecond, cpuUsPerRequest: (spent('main') * 1e6) / requests, backgroundUsPerRequest: (spent('v8 background') * 1e6) / requests };
  }
  const order = Object.keys(ways) as Way[];
  // Unmeasured first runs: JIT, heap growth, connection pools.
  for (const way of order) await run(way);
  type Run = Awaited<ReturnType<typeof run>>;
  const runs = Object.fromEntries(order.map((way) => [way, [] as Run[]])) as Record<Way, Run[]>;
  for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < order.length; i++) runs[order[(i + round) % order.length]!].push(await run(order[(i + round) % order.length]!));
  const figures = Object.fromEntries(
    order.map((way) => [
      way,
      {
        requestsPerSecond: Math.round(median(runs[way].map((r) => r.requestsPerSecond))),
        cpuUsPerRequest: Math.round(median(runs[way].map((r) => r.cpuUsPerRequest))),
        roundsCpuUs: runs[way].map((r) => Math.round(r.cpuUsPerRequest)),
        backgroundUsPerRequest: Math.round(median(runs[way].map((r) => r.backgroundUsPerRequest))),
      },
    ]),
  ) as Record<Way, { requestsPerSecond: number; cpuUsPerRequest: number; roundsCpuUs: number[]; backgroundUsPerRequest: number }>;
  const loadAtEnd = loadAverage();
  console.log(`bench:datasource-ab, ${LAYOUT} layout, ${CLIENT}, ${ROUNDS} interleaved rounds of ${DURATION} s, ${CONNECTIONS} connections, one series (${expected.length} bytes); base ${BASE}; load average ${loadAtStart.join(' ')} → ${loadAtEnd.join(' ')}`);
  for (const way of order) console.log(`  ${way.padEnd(14)} ${String(figures[way].requestsPerSecond).padStart(6)} req/s, proxy CPU ${figures[way].cpuUsPerRequest} µs per request (rounds ${figures[way].roundsCpuUs.join(' ')}), V8's background threads ${figures[way].backgroundUsPerRequest} µs`);
  const cpuRatio = (kind: 'uncached' | 'cached') => Number((figures[`ours ${kind}`].cpuUsPerRequest / figures[`base ${kind}`].cpuUsPerRequest).toFixed(3));
  const rpsRatio = (kind: 'uncached' | 'cached') => Number((figures[`ours ${kind}`].requestsPerSecond / figures[`base ${kind}`].requestsPerSecond).toFixed(3));
  console.log(`  ours / base: CPU per request ${cpuRatio('uncached')} uncached, ${cpuRatio('cached')} cached; req/s ${rpsRatio('uncached')} uncached, ${rpsRatio('cached')} cached`);
  console.log(JSON.stringify({ bench: 'datasource-ab', layout: LAYOUT, base: BASE, rounds: ROUNDS, figures, cpuRatio: { uncached: cpuRatio('uncached'), cached: cpuRatio('cached') }, rpsRatio: { uncached: rpsRatio('uncached'), cached: rpsRatio('cached') }, loadAverage: { start: loadAtStart, end: loadAtEnd } }));
} finally {
  for (const child of children) {
    child.stdin!.end();
    if (child.exitCode === null) await once(child, 'exit');
  }
  await prometheus.stop();
}
