/**
 * Our server as the peer benchmarks run it: a child process of a checkout (this one, or
 * another for an A/B), built and on the allocator as npm start and the image run it, signed in with an
 * admin API key; then the bench data set ingested host by host through the ingest API,
 * and the anomaly engine's scoring of it waited for.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hostName, INTERVAL_MS, type BenchSeries } from '../peer-data.ts';
import { serverRuntimeEnv } from '../../scripts/server-runtime-env.ts';
import { cpuSeconds, cpuSecondsByThread, freePort, waitForReady, type ChildProcesses } from './processes.ts';

const PASSWORD = 'bench-admin-password-1';

export interface OurServer {
  label: string;
  url: string;
  auth: Record<string, string>;
  child: ChildProcess;
}

export interface StartOptions {
  label: string;
  /** Root of the checkout whose server runs. */
  checkout: string;
  dataDir: string;
  children: ChildProcesses;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Extra environment, over the runtime's (e.g. `{"LD_PRELOAD":""}` to measure glibc). */
  env?: Record<string, string>;
}

const entries = new Map<string, string>();

/**
 * The file a checkout's server starts from, as npm start runs it: its build
 * (scripts/build-server.ts, run once per checkout and benchmark process), or its TypeScript
 * sources for a checkout from before the build existed, or when `BENCH_SOURCES=1` asks.
 */
export function serverEntry(checkout: string): string {
  let entry = entries.get(checkout);
  if (entry) return entry;
  const script = path.join(checkout, 'scripts/build-server.ts');
  if (process.env.BENCH_SOURCES !== '1' && fs.existsSync(script)) {
    const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`building the server of ${checkout} failed (${result.status})`);
    entry = path.join(checkout, 'out/server/main.js');
  } else {
    entry = path.join(checkout, 'server/src/main.ts');
  }
  console.error(`[bench] server of ${checkout}: ${path.relative(checkout, entry)}`);
  entries.set(checkout, entry);
  return entry;
}

export async function startOurServer(options: StartOptions): Promise<OurServer> {
  const port = await freePort();
  const child = options.children.start(process.execPath, [...(options.nodeArgs ?? []), serverEntry(options.checkout)], {
    SMARTCLOUDOPS_DATA_DIR: options.dataDir,
    SMARTCLOUDOPS_PORT: String(port),
    SMARTCLOUDOPS_HOST: '127.0.0.1',
    SMARTCLOUDOPS_ADMIN_PASSWORD: PASSWORD,
    SMARTCLOUDOPS_COLLECT_INTERVAL: '0',
    SMARTCLOUDOPS_LOG_LEVEL: 'warn',
    SMARTCLOUDOPS_BODY_LIMIT: String(64 * 1_048_576),
    // As npm start and the image run it (scripts/server-runtime-env.ts).
    ...serverRuntimeEnv(),
    ...options.env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(`${url}/health`, options.label);
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const key = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'bench', role: 'admin' }),
  });
  if (key.status !== 201) throw new Error(`${options.label} API key: ${key.status} ${await key.text()}`);
  const auth = { authorization: `Bearer ${((await key.json()) as { secret: string }).secret}` };
  return { label: options.label, url, auth, child };
}

/**
 * Ingests the series host by host (one request per host, as a back-fill would). A 503 means
 * scoring is behind: wait as Retry-After says, then send the same request again.
 * Returns how many requests were shed.
 */
export async function ingestByHost(ours: OurServer, series: readonly BenchSeries[], startTs: number): Promise<number> {
  let shed = 0;
  for (const host of new Set(series.map((s) => s.labels.host!))) {
    const body = JSON.stringify({
      series: series.filter((s) => s.labels.host === host).map((s) => ({ name: s.name, labels: s.labels, samples: Array.from(s.values, (v, i) => [startTs + i * INTERVAL_MS, v]) })),
    });
    for (;;) {
      const response = await fetch(`${ours.url}/api/v1/metrics/ingest`, { method: 'POST', headers: { ...ours.auth, 'content-type': 'application/json' }, body });
      if (response.status === 503) {
        await response.arrayBuffer();
        shed++;
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (response.status !== 200) throw new Error(`${ours.label} ingest: ${response.status} ${await response.text()}`);
      break;
    }
  }
  return shed;
}

/** The server's scoring backlog gauge (sample times stored and not scored yet). */
export async function scoringBacklog(ours: OurServer): Promise<number> {
  return Number(/^smartcloudops_anomaly_scoring_backlog (\S+)$/m.exec(await (await fetch(`${ours.url}/metrics`)).text())?.[1] ?? 0);
}

/** Sample times scored (a host's series share its score at a time), summed over `hosts` hosts. */
export async function scoredTimes(ours: OurServer, hosts: number, from: number, to: number): Promise<number> {
  let total = 0;
  for (let h = 0; h < hosts; h++) {
    const r = await fetch(`${ours.url}/api/v1/anomaly/rate?target=${hostName(h)}&from=${from}&to=${to}`, { headers: ours.auth });
    total += ((await r.json()) as { samples: number }).samples;
  }
  return total;
}

/**
 * Waits until the scoring backlog is empty and the stored scores have stopped growing for
 * `quietMs` (a model fit alone can pause the scores for seconds on a busy machine), or the
 * ceiling passes. Returns the sample times scored and the server's CPU seconds when the
 * last of them was seen stored (so the quiet wait's own polling is not counted).
 */
export async function scoringDone(ours: OurServer, hosts: number, from: number, to: number, quietMs = 5_000, ceilingMs = 8 * 60_000): Promise<{ scored: number; cpuSeconds: number }> {
  const cpu = () => cpuSeconds(ours.child.pid!);
  let scored = await scoredTimes(ours, hosts, from, to);
  let cpuAtLast = cpu();
  let stableSince = Date.now();
  const deadline = Date.now() + ceilingMs;
  while ((Date.now() - stableSince < quietMs || (await scoringBacklog(ours)) > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await scoredTimes(ours, hosts, from, to);
    if (now !== scored) {
      scored = now;
      cpuAtLast = cpu();
      stableSince = Date.now();
    }
  }
  return { scored, cpuSeconds: cpuAtLast };
}

export async function stopOurServer(ours: OurServer): Promise<void> {
  const exited = new Promise((resolve) => (ours.child.exitCode !== null ? resolve(null) : ours.child.once('exit', resolve)));
  ours.child.kill('SIGTERM');
  await exited;
}

export interface BackfillRun {
  /** Sample times scored (times × series per host gives samples). */
  scored: number;
  /** Server CPU from start to the last score stored, less its start-up (`startupCpuSeconds`). */
  cpuSeconds: number;
  startupCpuSeconds: number;
  /** Server CPU of the load (ingest API only: no model could be trained during it). */
  loadCpuSeconds: number;
  wallSeconds: number;
  threads: Record<string, number>;
}

/**
 * Scoring alone, as a back-fill of stored samples: a first server takes the data set through
 * the ingest API with first models held off (`SMARTCLOUDOPS_ANOMALY_MIN_TRAIN_ROWS` above
 * the training window, so nothing is scored and the store holds every sample unscored, as a
 * server stopped in the middle of a back-fill leaves it); it stops, and a server started on
 * the same data folder back-fills at start-up (`AnomalyService`, targets behind their last
 * score): every target's stored history is read, featured, scored in the workers and its
 * scores written. Its CPU counts from process start to the last score stored, less the
 * start-up CPU of the first server on an empty folder (module loading, migrations), read
 * when it answered /health.
 */
export async function backfillRun(options: StartOptions, series: readonly BenchSeries[], hosts: number, startTs: number, end: number): Promise<BackfillRun> {
  const loader = await startOurServer({ ...options, label: `${options.label} (load, scoring held off)`, env: { ...options.env, SMARTCLOUDOPS_ANOMALY_MIN_TRAIN_ROWS: '1000000' } });
  const startupCpuSeconds = cpuSeconds(loader.child.pid!);
  await ingestByHost(loader, series, startTs);
  const loadCpuSeconds = cpuSeconds(loader.child.pid!) - startupCpuSeconds;
  await stopOurServer(loader);
  const started = Date.now();
  const ours = await startOurServer(options);
  // The back-fill's first scores follow its first fits; the quiet wait starts from them.
  for (const deadline = Date.now() + 120_000; (await scoredTimes(ours, hosts, startTs, end)) === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 250));
  const done = await scoringDone(ours, hosts, startTs, end);
  const wallSeconds = (Date.now() - started) / 1000;
  const threads = cpuSecondsByThread(ours.child.pid!);
  await stopOurServer(ours);
  return { scored: done.scored, cpuSeconds: done.cpuSeconds - startupCpuSeconds, startupCpuSeconds, loadCpuSeconds, wallSeconds, threads };
}
