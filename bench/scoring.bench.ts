/**
 * `npm run bench:scoring`: anomaly scoring end to end, as `bench:peer` measures it but alone
 * (no Prometheus, no query rounds), so a change to the scoring path is seen in a couple of
 * minutes. A fresh server ingests the `bench:peer` data set (200 series × 24 h at 10 s,
 * 1.73 M samples) host by host and scores all of it: read samples from the store, features,
 * forest in the workers, scores written back. Samples scored per CPU second of the server,
 * ingest included, from the first ingest request to the last score stored.
 *
 * With BENCH_BASE=<root of another checkout> the same load runs on that checkout's server
 * too, alternating ours/base for BENCH_ROUNDS rounds (default 2), and the ratio is printed.
 * BENCH_PROF=<folder>: our server runs with `--cpu-prof` there. BENCH_OURS_ENV / BENCH_BASE_ENV:
 * extra environment of that server, as JSON (e.g. '{"NODE_OPTIONS":"--max-semi-space-size=32"}');
 * BENCH_OURS_ARGS / BENCH_BASE_ARGS: extra node flags, space-separated.
 * BENCH_HOSTS (default 20, the bench:peer set) shortens the run.
 * BENCH_BACKFILL=1: scoring alone, as a back-fill of stored samples (`backfillRun` in
 * bench/support/our-server.ts: loaded with first models held off, then a server started on
 * the folder scores it all), CPU from that server's start to its last score, start-up less.
 * Last line: one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSeries, HOSTS, INTERVAL_MS, POINTS } from './peer-data.ts';
import { ChildProcesses, cpuSeconds, cpuSecondsByThread } from './support/processes.ts';
import { backfillRun, ingestByHost, scoringDone, startOurServer } from './support/our-server.ts';
import { allocatorOf, serverRuntimeEnv } from '../scripts/server-runtime-env.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const hosts = Math.min(HOSTS, Number(process.env.BENCH_HOSTS ?? HOSTS));
const root = path.resolve(import.meta.dirname, '..');
const base = process.env.BENCH_BASE ? path.resolve(process.env.BENCH_BASE) : undefined;

interface Run {
  label: string;
  samplesPerCpuSecond: number;
  scoredSamples: number;
  cpuSeconds: number;
  wallSeconds: number;
  shed: number;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sco-scoring-'));
const children = new ChildProcesses(() => fs.rmSync(work, { recursive: true, force: true }));

async function run(label: string, checkout: string, round: number): Promise<Run> {
  const series = generateSeries().filter((s) => Number(s.labels.host!.slice(1)) < hosts);
  const end = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - 5 * 60_000;
  const startTs = end - (POINTS - 1) * INTERVAL_MS;
  const prof = process.env.BENCH_PROF && label === 'ours' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROF)}`] : [];
  // BENCH_OURS_ENV / BENCH_BASE_ENV: extra environment for that server (JSON), e.g. V8 flags in NODE_OPTIONS.
  const env = JSON.parse(process.env[`BENCH_${label.toUpperCase()}_ENV`] ?? '{}') as Record<string, string>;
  // BENCH_OURS_ARGS / BENCH_BASE_ARGS: extra node flags (space-separated), for V8 flags NODE_OPTIONS refuses.
  const args = (process.env[`BENCH_${label.toUpperCase()}_ARGS`] ?? '').split(' ').filter(Boolean);
  if (process.env.BENCH_BACKFILL === '1') {
    const b = await backfillRun({ label, checkout, dataDir: path.join(work, `${label}-${round}`), children, nodeArgs: [...prof, ...args], env }, series, hosts, startTs, end);
    const scoredSamples = b.scored * (series.length / hosts);
    const result = { label, samplesPerCpuSecond: Math.round(scoredSamples / Math.max(b.cpuSeconds, 0.001)), scoredSamples, cpuSeconds: Number(b.cpuSeconds.toFixed(1)), wallSeconds: Number(b.wallSeconds.toFixed(1)), shed: 0 };
    console.log(`${label} round ${round + 1}, back-fill: ${scoredSamples.toLocaleString('en')} samples scored in ${b.cpuSeconds.toFixed(1)} CPU-s (start-up ${b.startupCpuSeconds.toFixed(1)} less; ${b.wallSeconds.toFixed(1)} s wall from start; the load before took ${b.loadCpuSeconds.toFixed(1)} CPU-s) = ${result.samplesPerCpuSecond.toLocaleString('en')} samples per CPU-s; load ${os.loadavg()[0]!.toFixed(1)}`);
    console.log(`  CPU-s by thread (start-up included): ${Object.entries(b.threads).sort((a, c) => c[1] - a[1]).map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)}`).join(', ')}`);
    return result;
  }
  const ours = await startOurServer({ label, checkout, dataDir: path.join(work, `${label}-${round}`), children, nodeArgs: [...prof, ...args], env });
  const cpuBefore = cpuSeconds(ours.child.pid!);
  const started = Date.now();
  const shed = await ingestByHost(ours, series, startTs);
  const done = await scoringDone(ours, hosts, startTs, end);
  const wallSeconds = (Date.now() - started) / 1000;
  // Every series of a host shares the host's score at a time: samples scored = times × series per host.
  const scoredSamples = done.scored * (series.length / hosts);
  const cpu = done.cpuSeconds - cpuBefore;
  const threads = Object.entries(cpuSecondsByThread(ours.child.pid!))
    .sort((a, b) => b[1] - a[1])
    .map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)}`)
    .join(', ');
  ours.child.kill('SIGTERM');
  await new Promise((resolve) => (ours.child.exitCode !== null ? resolve(null) : ours.child.once('exit', resolve)));
  const result = { label, samplesPerCpuSecond: Math.round(scoredSamples / Math.max(cpu, 0.001)), scoredSamples, cpuSeconds: Number(cpu.toFixed(1)), wallSeconds: Number(wallSeconds.toFixed(1)), shed };
  console.log(`${label} round ${round + 1}: ${scoredSamples.toLocaleString('en')} samples scored in ${cpu.toFixed(1)} CPU-s (${wallSeconds.toFixed(1)} s wall, ${shed} ingest requests shed) = ${result.samplesPerCpuSecond.toLocaleString('en')} samples per CPU-s; load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`  CPU-s by thread since start (start-up included): ${threads}`);
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  console.log(`our server's allocator: ${allocatorOf(serverRuntimeEnv())}; data: ${hosts} hosts × 10 series × ${POINTS} points; ${ROUNDS} round(s)${base ? `, A/B with ${base}` : ''}; load ${os.loadavg()[0]!.toFixed(1)}`);
  const runs: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    runs.push(await run('ours', root, r));
    if (base) runs.push(await run('base', base, r));
  }
  const ours = median(runs.filter((x) => x.label === 'ours').map((x) => x.samplesPerCpuSecond));
  const baseRate = base ? median(runs.filter((x) => x.label === 'base').map((x) => x.samplesPerCpuSecond)) : undefined;
  console.log(`scoring end to end: ${ours.toLocaleString('en')} samples per CPU-s (median of ${ROUNDS}; target ≥ 200,000)${baseRate ? `, base ${baseRate.toLocaleString('en')}: ${(ours / baseRate).toFixed(2)}×` : ''}`);
  console.log(JSON.stringify({ scoringSamplesPerCoreSecond: ours, baseSamplesPerCoreSecond: baseRate ?? null, ratio: baseRate ? Number((ours / baseRate).toFixed(2)) : null, runs, load: os.loadavg()[0] }));
} finally {
  await children.stopAll();
  fs.rmSync(work, { recursive: true, force: true });
}
