import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** `gc` of V8's gc extension: `flavor: 'last-resort'` is the memory-reducing full collection. */
type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

export interface IdleMemoryOptions {
  /** How often to look, ms. */
  intervalMs?: number;
  /** CPU share (0–1) below which the process counts as idle over one interval. */
  idleCpuShare?: number;
  /**
   * Idle intervals in a row before anything is released (5: 10 s). A lull between the
   * requests of someone using the console is not the end of a burst: a collection there
   * pauses the loop for ~150 ms and hands the next requests a cold heap (see below).
   */
  quietIntervals?: number;
  /** The process's CPU share (0–1) over the interval just ended; process.cpuUsage by default. */
  cpuShare?: () => number;
  /** Heap committed beyond what is used, bytes, before a collection is worth it. */
  slackBytes?: number;
  /**
   * Called once the process has been quiet for `quietIntervals`, before deciding on a
   * collection: caches let go of what a burst left in them and say how many bytes. Their memory comes back only with a full
   * collection, so one runs when they let go of `releasedBytes` or more.
   */
  release?: () => number;
  /** Bytes the caches let go of that are worth a collection by themselves (4 MiB). */
  releasedBytes?: number;
}

/** The gc function, exposed at run time (the server starts without --expose-gc). */
function exposeGc(): GcFunction | undefined {
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as GcFunction;
  } catch {
    return undefined;
  }
}

/** The process's CPU share over each interval, from process.cpuUsage. */
function processCpuShare(intervalMs: number): () => number {
  let last = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(last);
    last = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000 / intervalMs;
  };
}

/**
 * Gives memory back once a burst of work is over. V8 collects garbage when JavaScript
 * allocates; a server that goes quiet after a back-fill or a storm of large queries
 * allocates nothing, so the heap it grew to (hundreds of MiB committed, a fifth of it in
 * use, measured after bench:peer's load) stays resident for as long as it stays quiet.
 * Every `intervalMs` (2 s) this looks at the process's CPU use; after `quietIntervals` (5)
 * intervals in a row below `idleCpuShare` it lets the caches drop what they hold for
 * nothing (`release`), and with more than `slackBytes` committed and unused, or
 * `releasedBytes` let go by the caches, it runs one memory-reducing full collection,
 * which also releases the freed pages.
 *
 * Why a quiet period and not one quiet interval: the collection stops the event loop for
 * 150–200 ms, and it shrinks the young generation to its minimum and the heap's limits to
 * what is live, so the next burst starts with scavenges several times as frequent and
 * incremental marking within a second or two (steps of 10–20 ms on a busy core). Run in
 * every 2-s lull between a user's requests, that put those pauses into the requests right
 * after it (bench:datasource's one-connection p99, docs/benchmarks.md). Returns a function
 * that stops it.
 */
export function startIdleMemoryRelease(options: IdleMemoryOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 2_000;
  const idleCpuShare = options.idleCpuShare ?? 0.05;
  const quietIntervals = Math.max(1, options.quietIntervals ?? 5);
  const slackBytes = options.slackBytes ?? 32 * 1_048_576;
  const releasedBytes = options.releasedBytes ?? 4 * 1_048_576;
  const gc = exposeGc();
  if (!gc) return () => undefined;
  const cpuShare = options.cpuShare ?? processCpuShare(intervalMs);
  let quiet = 0;
  const timer = setInterval(() => {
    if (cpuShare() >= idleCpuShare) {
      quiet = 0;
      return;
    }
    if (++quiet < quietIntervals) return;
    // Counted again from here: a server that stays quiet is looked at once per quiet period.
    quiet = 0;
    const released = options.release?.() ?? 0;
    const { heapTotal, heapUsed } = process.memoryUsage();
    if (heapTotal - heapUsed < slackBytes && released < releasedBytes) return;
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    // The collection's own CPU must not count as activity for the next look.
    cpuShare();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
