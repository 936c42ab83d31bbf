/**
 * Work repeated on a timer, one run at a time: a tick that finds the previous run still in
 * flight (a slow database) is skipped rather than stacking a second run behind it, and a
 * run that fails (the database briefly away) is reported and simply tried at the next tick.
 * `stop()` clears the timer and waits for the run in flight, so a caller that cleans up
 * after it (removing its rows) never races a last write.
 */
export class PeriodicTask {
  readonly #run: () => Promise<void>;
  readonly #everyMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(run: () => Promise<void>, options: { everyMs: number; onError: (error: unknown) => void }) {
    this.#run = run;
    this.#everyMs = options.everyMs;
    this.#onError = options.onError;
  }

  /** Starts the timer (it does not keep the process alive); the first run is at the first tick. */
  start(): void {
    this.#timer ??= setInterval(() => void this.runNow(), this.#everyMs).unref();
  }

  /** Runs now, or answers the run already in flight; never rejects (failures go to `onError`). */
  runNow(): Promise<void> {
    this.#running ??= (async () => this.#run())()
      .catch((error: unknown) => this.#onError(error))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** No more ticks; resolves when the run in flight, if any, is over. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
