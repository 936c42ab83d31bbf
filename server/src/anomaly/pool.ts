import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ExplainResult, FitResult, ScoreResult, WorkerTask } from './protocol.ts';
import { withSpan } from '../observability/tracing.ts';
import { serverFile } from '../server-files.ts';
import { DeadlineTasks } from '../worker-deadline.ts';

/** A worker without a task for this long exits (live scoring every few seconds keeps one). */
const IDLE_WORKER_MS = 30_000;

/**
 * A task still unfinished after this long has its worker stopped and fails (worker-deadline.ts):
 * a fit takes a fraction of a second of a worker's time, a score batch milliseconds.
 */
export const SCORING_TASK_TIMEOUT_MS = 5 * 60_000;

export interface ScoringPoolOptions {
  /** Default `SCORING_TASK_TIMEOUT_MS`. */
  taskTimeoutMs?: number;
  /** The worker's module (tests give one that misbehaves); default `worker.ts`. */
  filename?: string;
}

/**
 * The worker pool. Piscina replaces a worker that dies (a throw, `process.exit`, out of
 * memory) or hangs past the task deadline; the task it was running is rejected and the
 * caller reports it, so one crash costs one sample (or one batch) of one target.
 */
export class ScoringPool {
  readonly #pool: Piscina;
  readonly #threads: number;
  readonly #tasks: DeadlineTasks;
  #failures = 0;

  constructor(threads = Math.max(1, Math.min(2, availableParallelism() - 1)), options: ScoringPoolOptions = {}) {
    this.#threads = threads;
    // Workers start with the first task and leave after a while without one: an idle
    // server does not hold a worker's heap and its cached models (tens of MiB each).
    // No run/wait-time histograms: nothing reads them, and each pool's two held ~0.7 MiB for
    // the life of the server (a heap snapshot of the idle server after bench:peer's load).
    this.#pool = new Piscina({ filename: options.filename ?? serverFile(import.meta.url, './worker.ts', 'anomaly-worker.js'), minThreads: 0, maxThreads: threads, idleTimeout: IDLE_WORKER_MS, recordTiming: false });
    this.#tasks = new DeadlineTasks(this.#pool, threads, options.taskTimeoutMs ?? SCORING_TASK_TIMEOUT_MS);
  }

  /** Worker threads: how many tasks run at once. */
  get size(): number {
    return this.#threads;
  }

  fit(task: Extract<WorkerTask, { kind: 'fit' }>): Promise<FitResult> {
    return this.#run(task) as Promise<FitResult>;
  }

  score(task: Extract<WorkerTask, { kind: 'score' }>): Promise<ScoreResult> {
    return this.#run(task) as Promise<ScoreResult>;
  }

  explain(task: Extract<WorkerTask, { kind: 'explain' }>): Promise<ExplainResult> {
    return this.#run(task) as Promise<ExplainResult>;
  }

  /** Live worker threads, for tests that kill one. */
  get threads(): { terminate(): Promise<number> }[] {
    return this.#pool.threads;
  }

  stats(): { threads: number; completed: number; failures: number; queueSize: number } {
    return { threads: this.#pool.threads.length, completed: this.#pool.completed, failures: this.#failures, queueSize: this.#tasks.queueSize };
  }

  async close(): Promise<void> {
    this.#tasks.close();
    await this.#pool.destroy();
  }

  async #run(task: WorkerTask): Promise<unknown> {
    try {
      return await withSpan(`anomaly.${task.kind}`, { attributes: { 'smartcloudops.worker.task': task.kind } }, () => this.#tasks.run(task, { what: `the anomaly worker's ${task.kind} task` }));
    } catch (error) {
      this.#failures++;
      throw error;
    }
  }
}
