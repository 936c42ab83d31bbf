export interface CoalescedReadOptions<T> {
  /** The expensive read (fleet health: every series, watch and recent alert). */
  read: () => Promise<T>;
  /**
   * Real time left idle after a read before the next starts, as a multiple of how long the
   * read took (2: reads take at most a third of a core however often they are asked for)...
   */
  idleFactor: number;
  /** ...but never more than this, ms (an expensive read is still redone at least this often when asked). */
  maxIdleMs: number;
  /** Oldest answer handed out again when nothing has changed, by the server's clock (time alone makes a target silent). */
  maxAgeMs: number;
  /** The server's clock (ctx.now: tests move it by hand). */
  now: () => number;
  /** Real elapsed time, ms, for the rate of reads. */
  monotonic?: () => number;
}

interface Read<T> {
  /** The change count when this read started: it reflects every change up to there. */
  generation: number;
  /** The server's time when it started. */
  at: number;
  result: Promise<T>;
}

/**
 * One read for many askers. Every console refetches fleet health on each alert event it is
 * sent (batched per 250 ms), so during an alert storm each open console asks several times
 * a second, and each answer reads the whole inventory (0.5 s at 20,000 alert targets).
 * Here an answer is shared by every request it is fresh for: one started after the last
 * change (`changed()`, told by the event bus) and younger than `maxAgeMs`. A request that
 * finds none waits for the next read. Reads run one after another, each followed by idle
 * time twice as long as it took (at most a second), so a storm costs a third of a core at
 * most however many consoles ask, a cheap inventory is still read again within
 * milliseconds, and no request is answered from before a change it could have seen.
 */
export function coalescedRead<T>(options: CoalescedReadOptions<T>): { get: () => Promise<T>; changed: () => void } {
  const monotonic = options.monotonic ?? (() => performance.now());
  let generation = 0;
  let latest: Read<T> | null = null;
  let running: Read<T> | null = null;
  let queued: Promise<T> | null = null;
  /** When the last read ended and how long it took, real ms. */
  let lastEnd = -Infinity;
  let lastDuration = 0;

  const run = (): Read<T> => {
    const startedAt = monotonic();
    const read: Read<T> = { generation, at: options.now(), result: options.read() };
    running = read;
    // Before any asker's handler: by the time one resumes, this read is no longer running.
    const settle = (succeeded: boolean) => {
      lastEnd = monotonic();
      lastDuration = lastEnd - startedAt;
      if (succeeded && (!latest || latest.generation <= read.generation)) latest = read;
      if (running === read) running = null;
    };
    read.result.then(() => settle(true), () => settle(false));
    return read;
  };

  /** The next read: after the one running and its idle time; every request until it starts shares it. */
  const queue = (): Promise<T> => {
    const after = running?.result.catch(() => undefined);
    const result = (async () => {
      await after;
      const wait = lastEnd + Math.min(options.maxIdleMs, options.idleFactor * lastDuration) - monotonic();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      queued = null;
      return run().result;
    })();
    return result;
  };

  return {
    get: () => {
      if (latest && latest.generation === generation && options.now() - latest.at < options.maxAgeMs) return latest.result;
      if (running && running.generation === generation) return running.result;
      queued ??= queue();
      return queued;
    },
    changed: () => {
      generation += 1;
    },
  };
}
