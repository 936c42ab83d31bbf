/**
 * HTTP load for the benchmarks: wrk (C, Debian's `wrk` package) when it is installed,
 * autocannon (Node, in a worker thread of this process) otherwise or when asked
 * (`BENCH_CLIENT=autocannon`). wrk costs a fraction of autocannon's CPU per request, so on a
 * two-core machine more of the CPU goes to what is measured rather than to the generator;
 * it also runs as its own process, so it can be pinned to a CPU (`cpus`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import autocannon from 'autocannon';

export const WRK_BIN = '/usr/bin/wrk';

export type LoadClient = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  /** Requests in flight per connection; wrk sends one at a time, so >1 means autocannon. */
  pipelining?: number;
  durationSeconds: number;
  /** CPUs the generator may run on (`taskset -c` list); wrk only. */
  cpus?: string;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

/** The generator the benchmarks use here: BENCH_CLIENT, else wrk when installed. */
export function loadClient(): LoadClient {
  const asked = process.env.BENCH_CLIENT;
  if (asked === 'wrk' || asked === 'autocannon') return asked;
  if (asked) throw new Error(`BENCH_CLIENT must be wrk or autocannon, not "${asked}"`);
  return fs.existsSync(WRK_BIN) ? 'wrk' : 'autocannon';
}

export function runLoad(client: LoadClient, options: LoadOptions): Promise<LoadResult> {
  if (client === 'wrk' && (options.pipelining ?? 1) === 1) return runWrk(options);
  return runAutocannon(options);
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({ url: options.url, headers: options.headers ?? {}, connections: options.connections, pipelining: options.pipelining ?? 1, duration: options.durationSeconds, workers: 1 });
  return {
    requests: result.requests.total,
    // From the total, to one decimal: slow runs complete only a few requests a second.
    requestsPerSecond: Math.round((result.requests.total / options.durationSeconds) * 10) / 10,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** "1.93ms" → 1.93; wrk prints us, ms, s or m. */
function wrkDurationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`unexpected wrk latency "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Reads wrk's report (with `--latency`); throws on output it does not recognise. */
export function parseWrkReport(output: string, durationSeconds: number): LoadResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(output);
  if (!total) throw new Error(`wrk printed no request count:\n${output}`);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output);
    if (!match) throw new Error(`wrk printed no ${p}th percentile:\n${output}`);
    return wrkDurationMs(match[1]!);
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const requests = Number(total[1]);
  return {
    requests,
    requestsPerSecond: Math.round((requests / durationSeconds) * 10) / 10,
    latencyP50Ms: percentile('50'),
    latencyP99Ms: percentile('99'),
    non2xx,
    errors,
  };
}

/** wrk as a child process (never spawnSync: the server under test may be this process's event loop). */
function runWrk(options: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '--latency', '--timeout', '30s'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const [bin, argv] = options.cpus ? ['taskset', ['-c', options.cpus, WRK_BIN, ...args]] : [WRK_BIN, args];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${output}`));
      try {
        resolve(parseWrkReport(output, options.durationSeconds));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}
