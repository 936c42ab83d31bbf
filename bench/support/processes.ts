/**
 * What the peer benchmarks (`bench:peer`, `bench:peer-query`, `bench:sync`) need to run
 * real programs beside our server: find a Debian binary, pick a free loopback port, wait
 * until a process answers, read its memory and CPU from /proc, measure a data folder, and
 * start children that are all stopped when the bench ends or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The path of an installed program (PATH, then the sbin folders Debian puts daemons in), or undefined. */
export function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin'])) {
    const file = path.join(dir, binary);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `url` until it answers 2xx; throws naming `what` after the ceiling. */
export async function waitForReady(url: string, what: string, ceilingMs = 120_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not become ready at ${url}`);
}

function statusField(pid: number, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Resident memory of a process, MiB. */
export const rssMiB = (pid: number): number => statusField(pid, 'VmRSS') / 1024;
export const threadsOf = (pid: number): number => statusField(pid, 'Threads');

/**
 * Where a process's resident memory is, MiB: anonymous (heaps: V8's, malloc's, SQLite's
 * page cache), file-backed (code and mapped files) and shared, plus its thread count:
 * a worker thread carries its own V8 heap, so threads explain much of the anonymous share.
 */
export function rssBreakdown(pid: number): { anonMiB: number; fileMiB: number; shmemMiB: number; threads: number } {
  const mib = (field: string) => Math.round(statusField(pid, field) / 1024);
  return { anonMiB: mib('RssAnon'), fileMiB: mib('RssFile'), shmemMiB: mib('RssShmem'), threads: threadsOf(pid) };
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of a process by kind of thread (Linux thread names): the main thread, worker
 * threads (our scoring pool), V8's background threads (concurrent GC and compilers),
 * libuv's thread pool, and the rest.
 */
export function cpuSecondsByThread(pid: number): Record<string, number> {
  const kinds: Record<string, string> = { MainThread: 'main', WorkerThread: 'workers', V8Worker: 'v8 background', 'libuv-worker': 'libuv pool' };
  const out: Record<string, number> = {};
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      const fields = fs.readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const kind = kinds[name] ?? (task === String(pid) ? 'main' : 'other');
      out[kind] = (out[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** Bytes of every file below `dir`. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(file);
    else if (entry.isFile()) total += fs.statSync(file).size;
  }
  return total;
}

/**
 * The bench's child processes: each one's stderr tail is printed if it dies on its own; an
 * interrupted bench (Ctrl-C, SIGTERM) kills them all so no Prometheus outlives it.
 */
export class ChildProcesses {
  readonly #children: ChildProcess[] = [];
  #stopping = false;

  /** `onInterrupt`: the bench's own clean-up (its temporary folder) when it is interrupted. */
  constructor(onInterrupt: () => void = () => undefined) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        this.#stopping = true;
        for (const child of this.#children) child.kill('SIGKILL');
        onInterrupt();
        process.exit(130);
      });
    }
  }

  start(command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr!.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)));
    child.on('exit', (code) => {
      if (code !== null && code !== 0 && !this.#stopping) console.error(`${command} exited with ${code}:\n${tail}`);
    });
    this.#children.push(child);
    return child;
  }

  /** SIGTERM to every child, resolved once all have exited. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    for (const child of this.#children) child.kill('SIGTERM');
    await Promise.all(this.#children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  }
}

/**
 * Restricts every thread of a process (and the threads it starts later, which inherit it)
 * to the CPUs listed (`taskset -c` syntax, e.g. "0" or "0-1"). Returns false when taskset
 * is not installed or refused.
 */
export function pinToCpus(pid: number, cpus: string): boolean {
  if (!which('taskset')) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}
