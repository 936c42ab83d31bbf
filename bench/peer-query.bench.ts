/**
 * `npm run bench:peer-query`: the range-query and memory rounds of `bench:peer`, on a part of
 * its data set, quick enough to iterate on (a few minutes instead of 10–15). Loads the 50
 * series the 50-series query reads (`node_bench_[0-4]` of hosts h00–h09, 8,640 points each)
 * into Prometheus (promtool) and into our server, waits for anomaly scoring to settle, then
 * runs the query rounds interleaved ours/peer (and, with BENCH_BASE, a second server of
 * ours from another checkout: an A/B of two commits in one run on one machine), measures
 * `/health` latency while 50-series queries storm the server, and resident memory once idle.
 *
 * Env: BENCH_DURATION (s per round, default 4), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS
 * (default 10), BENCH_BASE (root of another checkout to compare with), BENCH_PROF (a folder:
 * our server runs with `--cpu-prof` there during the query rounds), BENCH_OURS_ENV / BENCH_BASE_ENV
 * (JSON objects of extra environment for either server).
 * Last line: one JSON object with the best round of each figure and the ratios.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateSeries, INTERVAL_MS, openMetricsLines, POINTS } from './peer-data.ts';
import { ChildProcesses, cpuSeconds, freePort, rssMiB, threadsOf, waitForReady, which } from './support/processes.ts';
import { ingestByHost, scoringBacklog, startOurServer, type OurServer } from './support/our-server.ts';
import { allocatorOf, serverRuntimeEnv } from '../scripts/server-runtime-env.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const root = path.resolve(import.meta.dirname, '..');

const prometheusBin = which('prometheus');
const promtoolBin = which('promtool');
if (!prometheusBin || !promtoolBin) {
  console.log('bench:peer-query skipped: prometheus/promtool not installed (Debian package prometheus).');
  console.log(JSON.stringify({ skipped: true }));
  process.exit(0);
}

interface Round {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  /** CPU the server spent per answered request: steadier than req/s on a shared machine. */
  cpuUsPerRequest: number;
}

async function round(base: string, urlFor: (i: number) => string, headers: Record<string, string>, pid: number, connections = CONNECTIONS): Promise<Round> {
  let i = 0;
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: base,
    connections,
    duration: DURATION,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: urlFor(i++) }) }],
  });
  const cpuUsPerRequest = Math.round(((cpuSeconds(pid) - cpuBefore) * 1e6) / Math.max(1, result.requests.total));
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, errors: result.errors + result.non2xx, cpuUsPerRequest };
}

const best = (rounds: Round[]) => rounds.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-peerq-'));
// Interrupted (Ctrl-C, a timeout): stop the servers this bench started and remove its files.
const children = new ChildProcesses(() => fs.rmSync(work, { recursive: true, force: true }));

type Ours = OurServer;

async function startOurs(label: string, checkout: string, series: ReturnType<typeof generateSeries>, startTs: number): Promise<Ours> {
  const prof = process.env.BENCH_PROF && label === 'ours' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROF)}`] : [];
  // BENCH_OURS_ENV='{"LD_PRELOAD":""}' measures glibc.
  const env = JSON.parse(process.env[`BENCH_${label.toUpperCase()}_ENV`] ?? '{}') as Record<string, string>;
  // BENCH_BASE_NODE_ARGS='--optimize-for-size' measures a V8 flag (flags NODE_OPTIONS refuses).
  const nodeArgs = [...prof, ...(process.env[`BENCH_${label.toUpperCase()}_NODE_ARGS`]?.split(' ').filter(Boolean) ?? [])];
  const ours = await startOurServer({ label, checkout, dataDir: path.join(work, label), children, nodeArgs, env });
  await ingestByHost(ours, series, startTs);
  return ours;
}

async function scoringSettled(ours: Ours): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    quiet = (await scoringBacklog(ours)) > 0 ? 0 : quiet + 1;
  }
}

try {
  const began = Date.now();
  const series = generateSeries().filter((s) => /^node_bench_[0-4]$/.test(s.name) && /^h0[0-9]$/.test(s.labels.host!));
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 5 * 60_000;
  const startTs = end - (POINTS - 1) * INTERVAL_MS;

  const omFile = path.join(work, 'data.om');
  const fd = fs.openSync(omFile, 'w');
  for (const text of openMetricsLines(series, startTs)) fs.writeSync(fd, text);
  fs.closeSync(fd);
  const promData = path.join(work, 'prometheus');
  execFileSync(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', omFile, promData], { stdio: 'ignore' });
  fs.writeFileSync(path.join(work, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const promPort = await freePort();
  const prometheus = children.start(prometheusBin, [`--config.file=${path.join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${promData}`, '--storage.tsdb.retention.time=30d', `--web.listen-address=127.0.0.1:${promPort}`]);
  const promUrl = `http://127.0.0.1:${promPort}`;
  await waitForReady(`${promUrl}/-/ready`, 'prometheus');

  const servers: Ours[] = [await startOurs('ours', root, series, startTs)];
  if (process.env.BENCH_BASE) servers.push(await startOurs('base', path.resolve(process.env.BENCH_BASE), series, startTs));
  for (const s of servers) await scoringSettled(s);

  console.log(`our server's allocator: ${allocatorOf({ ...serverRuntimeEnv(), ...(JSON.parse(process.env.BENCH_OURS_ENV ?? '{}') as Record<string, string>) })}`);
  const stepS = (end - startTs) / 1000 / 2000;
  const selector50 = '{__name__=~"node_bench_[0-4]",host=~"h0[0-9]"}';
  const oursUrl = (match: string, withStep: boolean, maxPoints: number) => (i: number) =>
    `/api/v1/metrics/query_range?${new URLSearchParams({ match, from: String(startTs - i), to: String(end), ...(withStep ? { step: String(stepS * 1000) } : {}), maxPoints: String(maxPoints) })}`;
  const queries = {
    one: { ours: oursUrl('node_bench_0{host="h00"}', true, 2000), peer: (i: number) => `/api/v1/query_range?${new URLSearchParams({ query: 'node_bench_0{host="h00"}', start: String((startTs - i) / 1000), end: String(end / 1000), step: String(stepS) })}` },
    fifty: { ours: oursUrl(selector50, true, 2000), peer: (i: number) => `/api/v1/query_range?${new URLSearchParams({ query: selector50, start: String((startTs - i) / 1000), end: String(end / 1000), step: String(stepS) })}` },
    raw: { ours: oursUrl('node_bench_0{host="h00"}', false, 8640), peer: (i: number) => `/api/v1/query?${new URLSearchParams({ query: 'node_bench_0{host="h00"}[24h]', time: String((end + i) / 1000) })}` },
  };
  for (const s of servers) {
    const check = (await (await fetch(`${s.url}${queries.fifty.ours(0)}`, { headers: s.auth })).json()) as { series: unknown[] };
    if (check.series.length !== 50) throw new Error(`${s.label}: 50-series query matched ${check.series.length}`);
  }

  const figures: Record<string, Record<string, Round[]>> = {};
  for (const name of Object.keys(queries)) figures[name] = Object.fromEntries([...servers.map((s) => [s.label, []]), ['peer', []]]);
  const health: Record<string, number[]> = Object.fromEntries(servers.map((s) => [s.label, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, q] of Object.entries(queries)) {
      // Rotate who goes first, so that neither side always meets the machine's same moment.
      const order = [...servers.map((s) => ({ label: s.label, run: () => round(s.url, q.ours, s.auth, s.child.pid!) })), { label: 'peer', run: () => round(promUrl, q.peer, {}, prometheus.pid!) }];
      for (let k = 0; k < r % order.length; k++) order.push(order.shift()!);
      for (const side of order) figures[name]![side.label]!.push(await side.run());
    }
    // /health while a 50-series storm runs: does a heavy query hold other requests back?
    for (const s of servers) {
      const [, probe] = await Promise.all([round(s.url, queries.fifty.ours, s.auth, s.child.pid!), round(s.url, () => '/health', {}, s.child.pid!, 1)]);
      health[s.label]!.push(probe.p99Ms);
    }
  }

  // Idle: past the server's quiet period (10 s, observability/idle-memory.ts) and its one collection.
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const rss = Object.fromEntries([...servers.map((s) => [s.label, Math.round(rssMiB(s.child.pid!))]), ['prometheus', Math.round(rssMiB(prometheus.pid!))]]);
  const threads = Object.fromEntries(servers.map((s) => [s.label, threadsOf(s.child.pid!)]));
  // Where the resident memory is (BENCH_SMAPS=1): mappings grouped by name, largest anonymous ones.
  if (process.env.BENCH_SMAPS) {
    for (const s of servers) {
      const groups = new Map<string, number>();
      const anon: number[] = [];
      let name = '';
      for (const line of fs.readFileSync(`/proc/${s.child.pid}/smaps`, 'utf8').split('\n')) {
        const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
        if (head) name = head[1] || '[anon]';
        const rss = /^Rss:\s+(\d+) kB/.exec(line);
        if (rss) {
          groups.set(name, (groups.get(name) ?? 0) + Number(rss[1]));
          if (name === '[anon]') anon.push(Number(rss[1]));
        }
      }
      const top = [...groups].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, kb]) => `${n} ${Math.round(kb / 1024)}`);
      const sizes = anon.sort((a, b) => b - a);
      console.log(`${s.label} smaps MiB: ${top.join(', ')}; anonymous mappings ${sizes.length}, largest ${sizes.slice(0, 12).map((kb) => Math.round(kb / 1024)).join(' ')}`);
    }
  }
  for (const s of servers) {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const lines = text.split('\n').filter((l) => /^smartcloudops_(nodejs_heap_size_(total|used)_bytes|nodejs_external_memory_bytes|process_resident_memory_bytes) /.test(l));
    console.log(`${s.label} memory: ${lines.map((l) => `${l.split(' ')[0]!.replace('smartcloudops_', '')} ${Math.round(Number(l.split(' ')[1]) / 1_048_576)} MiB`).join(', ')}`);
  }

  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
  const out: Record<string, unknown> = {};
  for (const [name, sides] of Object.entries(figures)) {
    const peer = best(sides.peer!);
    console.log(`${name}: ${Object.entries(sides).map(([label, rounds]) => `${label} ${rounds.map((x) => x.requestsPerSecond).join('/')} req/s (best p99 ${best(rounds).p99Ms} ms, CPU ${median(rounds.map((x) => x.cpuUsPerRequest))} µs/request${rounds.some((x) => x.errors) ? `, ${rounds.reduce((n, x) => n + x.errors, 0)} errors` : ''})`).join('; ')}`);
    const peerCpu = median(sides.peer!.map((x) => x.cpuUsPerRequest));
    out[name] = Object.fromEntries(Object.entries(sides).map(([label, rounds]) => {
      const cpu = median(rounds.map((x) => x.cpuUsPerRequest));
      return [label, { ...best(rounds), ratio: ratio(best(rounds).requestsPerSecond, peer.requestsPerSecond), cpuUsPerRequest: cpu, cpuRatio: ratio(peerCpu, cpu) }];
    }));
  }
  console.log(`/health p99 during a 50-series storm (ms, per round): ${Object.entries(health).map(([label, xs]) => `${label} ${xs.join('/')}`).join('; ')}`);
  console.log(`resident memory idle (MiB): ${JSON.stringify(rss)}; threads ${JSON.stringify(threads)}`);
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`load average ${load}; ${((Date.now() - began) / 1000).toFixed(0)} s in all`);
  console.log(JSON.stringify({ ...out, healthP99Ms: Object.fromEntries(Object.entries(health).map(([k, xs]) => [k, median(xs)])), rssMiB: rss, loadAverage: load }));
} finally {
  await children.stopAll();
  fs.rmSync(work, { recursive: true, force: true });
}
