import v8 from 'node:v8';

/** The old generation may grow to twice its live size before V8 marks it again. */
export const HEAP_GROWING_PERCENT = 100;

let applied = false;

/**
 * Sets V8's heap growing factor for this process, once (read by V8 at every full
 * collection, so setting it at run time takes effect from the next one).
 *
 * Why: the server's heap is mostly long-lived (modules, caches: ~50–65 MiB) and its garbage
 * is per request and short-lived. V8's dynamic factor sees that marking is fast and that
 * little is promoted, and keeps the old generation's limit within ~16 MiB of the live size;
 * with a young generation able to promote more than that, it then starts a marking cycle
 * after almost every scavenge: measured under a steady stream of proxied queries, one
 * every ~350 ms, each pausing the event loop 10–25 ms when the core is busy
 * (docs/benchmarks.md, "The proxy's latency tail"). A fixed factor of 2 lets the heap hold
 * one more live size of garbage under load (given back when the server is quiet, by
 * idle-memory.ts's collection) for full collections a few times a minute instead of
 * three a second.
 */
export function tuneHeapGrowth(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
