/**
 * A one-connection client that sends one request at a time and records the latency of each
 * request once, for latency percentiles as the requests experienced them.
 *
 * Why not wrk for this: wrk corrects its latency histogram for coordinated omission before it
 * prints it (`stats_correct` in its main.c): every request slower than the run's mean interval
 * adds synthetic samples at that latency minus one, two, three… intervals, modelling a client
 * that would have kept sending at a constant rate. With one connection at ~1 ms per request, a
 * single 40 ms pause becomes ~40 samples, so wrk's p99 is about the pauses, not the requests
 * (docs/benchmarks.md, "The proxy's latency tail"). Both figures are printed by
 * bench:datasource; this one is per request.
 *
 * Runs as its own process (pinned with taskset when `cpus` is given), so it can sit on a
 * CPU of its own like wrk; undici's dispatch with a handler that drops the body keeps its
 * cost per request small and the same for every server it measures.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool, type Dispatcher } from 'undici';
import { which } from './processes.ts';

export interface SequentialOptions {
  url: string;
  headers?: Record<string, string>;
  durationSeconds: number;
  /** CPUs the client runs on (`taskset -c` list). */
  cpus?: string;
  /** Requests sent before the clock starts (connection, JIT). Default 100. */
  warmupRequests?: number;
}

export interface SequentialResult {
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyP999Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
}

/** Nearest-rank percentile of sorted values (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The figures of a run from its latencies in ms (any order). */
export function summarise(latenciesMs: number[], non2xx: number, errors: number, durationSeconds: number): SequentialResult {
  const values = [...latenciesMs].sort((a, b) => a - b);
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  return {
    requests: values.length,
    requestsPerSecond: Math.round((values.length / durationSeconds) * 10) / 10,
    latencyP50Ms: round3(percentile(values, 0.5)),
    latencyP99Ms: round3(percentile(values, 0.99)),
    latencyP999Ms: round3(percentile(values, 0.999)),
    latencyMaxMs: round3(values.at(-1) ?? 0),
    non2xx,
    errors,
  };
}

/** Runs the client in a child process and returns its figures. */
export function runSequential(options: SequentialOptions): Promise<SequentialResult> {
  const script = fileURLToPath(import.meta.url);
  const argv = [process.execPath, script, JSON.stringify(options)];
  const [bin, args] = options.cpus && which('taskset') ? ['taskset', ['-c', options.cpus, ...argv]] : [argv[0]!, argv.slice(1)];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let problems = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (problems += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the sequential client exited with ${code}:\n${problems}`));
      try {
        resolve(JSON.parse(output) as SequentialResult);
      } catch {
        reject(new Error(`the sequential client printed no result:\n${output}\n${problems}`));
      }
    });
  });
}

/** One GET whose body is read and dropped; resolves with its status (0: no answer). */
function requestOnce(pool: Pool, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    let status = 0;
    // onRequestStart and onResponseData mark the handler as undici's current API (it checks).
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => undefined,
      onResponseEnd: () => resolve(status),
      onResponseError: () => resolve(0),
    };
    pool.dispatch({ method: 'GET', path, headers }, handler);
  });
}

async function main(options: SequentialOptions): Promise<void> {
  const url = new URL(options.url);
  const path = `${url.pathname}${url.search}`;
  const headers = options.headers ?? {};
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  for (let i = 0; i < (options.warmupRequests ?? 100); i++) await requestOnce(pool, path, headers);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  for (let now = start; now < end; ) {
    const status = await requestOnce(pool, path, headers);
    const finished = performance.now();
    if (status === 0) errors++;
    else if (status < 200 || status >= 400) non2xx++;
    latencies.push(finished - now);
    now = finished;
  }
  await pool.close();
  process.stdout.write(JSON.stringify(summarise(latencies, non2xx, errors, (performance.now() - start) / 1000)));
}

if (import.meta.main) await main(JSON.parse(process.argv[2]!) as SequentialOptions);
