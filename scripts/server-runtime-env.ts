import fs from 'node:fs';

/**
 * Environment the server process runs with wherever we launch it: `npm start`
 * (scripts/start-console.ts), the Docker image (its `ENV`, checked against this by
 * scripts/server-runtime-env.test.ts) and the benchmarks that compare it with its peers.
 *
 * It is about the memory allocator. glibc's, left to its defaults, keeps what a load's peak
 * freed: one arena per thread that ever allocated (the main thread, libuv's pool, V8's
 * platform and the worker threads) and a mmap threshold that grows with every large buffer
 * freed, so large answers end up on arena heaps that are never given back. Measured by
 * `bench:peer-query` (one commit, A/B in one run; docs/benchmarks.md), resident memory
 * once idle after the load: glibc's defaults 277–340 MiB, glibc tuned as below 223–248 MiB,
 * jemalloc 176 MiB. So the server runs on jemalloc (Debian's libjemalloc2, which
 * `npm start`'s set-up and the image install) where it is, and on tuned glibc otherwise.
 */

/** Where Debian's libjemalloc2 puts the library, per architecture; the image links it to the first. */
export const JEMALLOC_CANDIDATES = ['/usr/local/lib/libjemalloc.so.2', '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'];

/**
 * jemalloc's settings: two arenas (the server has one busy thread and a few helpers),
 * unused pages purged after a second by a background thread rather than kept for a
 * next peak that may never come.
 */
export const JEMALLOC_CONF = 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0';

/**
 * glibc's settings when jemalloc is missing: two arenas, a fixed 256 KiB mmap threshold
 * (larger buffers are mapped and unmapped on their own, and the threshold stops growing),
 * free space over 1 MiB at the top of a heap given back at once.
 */
export const GLIBC_TUNABLES = 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=1048576:glibc.malloc.mmap_threshold=262144';

export function jemallocEnv(library: string): Record<string, string> {
  return { LD_PRELOAD: library, MALLOC_CONF: JEMALLOC_CONF };
}

/** The allocator environment for this machine: jemalloc where installed, tuned glibc otherwise. */
export function serverRuntimeEnv(exists: (file: string) => boolean = fs.existsSync): Record<string, string> {
  const jemalloc = process.platform === 'linux' ? JEMALLOC_CANDIDATES.find(exists) : undefined;
  return jemalloc ? jemallocEnv(jemalloc) : { GLIBC_TUNABLES };
}

/** Which allocator `env` selects, for the benchmarks' reports. */
export function allocatorOf(env: Record<string, string | undefined>): string {
  if (env.LD_PRELOAD?.includes('jemalloc')) return 'jemalloc';
  return env.GLIBC_TUNABLES ? 'glibc (tuned)' : 'glibc (defaults)';
}

/**
 * The server's environment: ours first, so that an operator's own settings (LD_PRELOAD,
 * MALLOC_CONF, GLIBC_TUNABLES) win.
 */
export function serverProcessEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...serverRuntimeEnv(), ...extra, ...base };
}
