import type { Piscina } from 'piscina';

/**
 * A worker task that does not finish in time (a worker caught in a loop, or stalled) fails
 * with `WorkerTimeout` and its thread is stopped; piscina starts another for the tasks after
 * it. Without a deadline such a task never settled: its caller waited for ever, and so did
 * every task queued behind it on the pool's only thread (two cores).
 */
export class WorkerTimeout extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s; its worker thread was stopped`);
    this.name = 'WorkerTimeout';
  }
}

/**
 * Hands a piscina pool at most one task per thread, so that a task's deadline counts from
 * when a thread takes it: counted from submission, the tasks queued behind a hung one would
 * have lapsed with it. The others wait here, in order.
 */
export class DeadlineTasks {
  readonly #pool: Piscina;
  readonly #threads: number;
  readonly #timeoutMs: number;
  readonly #waiting: Array<{ start: () => void; refuse: (error: Error) => void }> = [];
  #running = 0;
  #closed = false;

  constructor(pool: Piscina, threads: number, timeoutMs: number) {
    this.#pool = pool;
    this.#threads = threads;
    this.#timeoutMs = timeoutMs;
  }

  /** Tasks waiting for a thread. */
  get queueSize(): number {
    return this.#waiting.length;
  }

  /** `pool.run(task)` once a thread is free, failing with `WorkerTimeout` past the deadline; `what` names the task in the error. */
  async run(task: unknown, options: { what: string; transferList?: ArrayBuffer[] }): Promise<unknown> {
    if (this.#closed) throw new Error('the worker pool is closed');
    if (this.#running >= this.#threads) await new Promise<void>((start, refuse) => this.#waiting.push({ start, refuse }));
    this.#running++;
    // A timer cleared when the task settles (AbortSignal.timeout's would live on for the
    // whole deadline: minutes of timers at a few hundred tasks a second).
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), this.#timeoutMs);
    try {
      return await this.#pool.run(task, { signal: abort.signal, ...(options.transferList ? { transferList: options.transferList } : {}) });
    } catch (error) {
      if (abort.signal.aborted) throw new WorkerTimeout(options.what, this.#timeoutMs);
      throw error;
    } finally {
      clearTimeout(deadline);
      this.#running--;
      this.#waiting.shift()?.start();
    }
  }

  /** The pool closes: the tasks still waiting for a thread fail (piscina fails those it holds). */
  close(): void {
    this.#closed = true;
    for (const { refuse } of this.#waiting.splice(0)) refuse(new Error('the worker pool closed before this task started'));
  }
}
