import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** `gc` of V8's gc extension: `flavor: 'last-resort'` is the memory-reducing full collection. */
type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

export interface IdleMemoryOptions {
  /** How often to look, ms. */
  intervalMs?: number;
  /** CPU share (0–1) below which the process counts as idle over one interval. */
  idleCpuShare?: number;
  /** Heap committed beyond what is used, bytes, before a collection is worth it. */
  slackBytes?: number;
  /**
   * Called on every quiet interval, before deciding on a collection: caches let go of what a
   * burst left in them and say how many bytes. Their memory comes back only with a full
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

/**
 * Gives memory back once a burst of work is over. V8 collects garbage when JavaScript
 * allocates; a server that goes quiet after a back-fill or a storm of large queries
 * allocates nothing, so the heap it grew to (hundreds of MiB committed, a fifth of it in
 * use, measured after bench:peer's load) stays resident for as long as it stays quiet.
 * Every `intervalMs` (2 s) this looks at the process's CPU use; after an interval below
 * `idleCpuShare` it lets the caches drop what they hold for nothing (`release`), and with
 * more than `slackBytes` committed and unused, or `releasedBytes` let go by the caches, it
 * runs one memory-reducing full collection (tens of ms, only while nothing else runs),
 * which also releases the freed pages. Returns a function that stops it.
 */
export function startIdleMemoryRelease(options: IdleMemoryOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 2_000;
  const idleCpuShare = options.idleCpuShare ?? 0.05;
  const slackBytes = options.slackBytes ?? 32 * 1_048_576;
  const releasedBytes = options.releasedBytes ?? 4 * 1_048_576;
  const gc = exposeGc();
  if (!gc) return () => undefined;
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    const share = (cpu.user + cpu.system) / 1000 / intervalMs;
    if (share >= idleCpuShare) return;
    const released = options.release?.() ?? 0;
    const { heapTotal, heapUsed } = process.memoryUsage();
    if (heapTotal - heapUsed < slackBytes && released < releasedBytes) return;
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    // The collection's own CPU must not count as activity for the next look.
    lastCpu = process.cpuUsage();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
