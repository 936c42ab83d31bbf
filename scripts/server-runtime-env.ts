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

/**
 * V8's young generation, capped at two semi-spaces of 32 MiB. V8 sizes it from the machine's
 * memory (semi-spaces of 64 MiB on a 24 GB machine), and a young generation that large is
 * collected so rarely that the Buffers it holds (every upstream answer the data-source proxy
 * reads, every request body) pile up as external memory until V8 answers with full
 * mark-compact collections: 2–3 per 3-s run of uncached proxy load, 17–27 ms each with every
 * request waiting, and its background marking on the other core. At 32 MiB the scavenges
 * free them first: no full collection, a third of the background marking, proxy throughput
 * 0.77–0.87× direct Prometheus against 0.66–0.77× (`bench:datasource`, A/B in one session).
 * 16 MiB did as well for the proxy but cost our own range queries ~10 % more CPU per request
 * (`bench:peer-query`, twice); 32 leaves them level. docs/benchmarks.md, "The proxy's young
 * generation". The operator's own NODE_OPTIONS come after this, so a value of theirs wins
 * (V8 takes a flag's last value).
 */
export const V8_FLAGS = '--max-semi-space-size=32';

export function jemallocEnv(library: string): Record<string, string> {
  return { LD_PRELOAD: library, MALLOC_CONF: JEMALLOC_CONF };
}

/** The runtime environment for this machine: jemalloc where installed, tuned glibc otherwise, and V8's flags. */
export function serverRuntimeEnv(exists: (file: string) => boolean = fs.existsSync): Record<string, string> {
  const jemalloc = process.platform === 'linux' ? JEMALLOC_CANDIDATES.find(exists) : undefined;
  return { ...(jemalloc ? jemallocEnv(jemalloc) : { GLIBC_TUNABLES }), NODE_OPTIONS: V8_FLAGS };
}

/** NODE_OPTIONS with ours first: an operator's (or a caller's) flags come after and win. */
export function nodeOptions(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part && part.trim() !== '').join(' ');
}

/** Which allocator `env` selects, for the benchmarks' reports. */
export function allocatorOf(env: Record<string, string | undefined>): string {
  if (env.LD_PRELOAD?.includes('jemalloc')) return 'jemalloc';
  return env.GLIBC_TUNABLES ? 'glibc (tuned)' : 'glibc (defaults)';
}

/**
 * The server's environment: ours first, so that an operator's own settings (LD_PRELOAD,
 * MALLOC_CONF, GLIBC_TUNABLES, flags in NODE_OPTIONS) win.
 */
export function serverProcessEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const ours = serverRuntimeEnv();
  return { ...ours, ...extra, ...base, NODE_OPTIONS: nodeOptions(ours.NODE_OPTIONS, extra.NODE_OPTIONS, base.NODE_OPTIONS) };
}
