import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { MODEL_LOAD_FAILED, type ExplainResult, type FitResult, type ScoreResult, type WorkerMessage, type WorkerTask } from './protocol.ts';

/** Serialized models kept shared with the workers (each ~150 KB); older ones are read again. */
const MAX_SHARED_MODELS = 256;

/**
 * The worker pool. Piscina replaces a worker that dies; the task it was running is
 * rejected and the caller reports it, so one crash costs one task of one target.
 * Models reach the workers as shared bytes read through `modelBytes` (the registry): the
 * workers never open the database.
 */
export class ScoringPool {
  readonly #pool: Piscina;
  readonly #modelBytes: (id: number) => Uint8Array | undefined;
  readonly #shared = new Map<number, SharedArrayBuffer>();
  #failures = 0;

  constructor(threads = Math.max(1, Math.min(2, availableParallelism() - 1)), modelBytes: (id: number) => Uint8Array | undefined = () => undefined) {
    this.#pool = new Piscina({ filename: fileURLToPath(new URL('./worker.ts', import.meta.url)), minThreads: threads, maxThreads: threads });
    this.#modelBytes = modelBytes;
  }

  fit(task: Extract<WorkerTask, { kind: 'fit' }>): Promise<FitResult> {
    return this.#run(task) as Promise<FitResult>;
  }

  score(task: Extract<WorkerTask, { kind: 'score' }>): Promise<ScoreResult> {
    return this.#run({ ...task, model: this.#model(task.modelId) }) as Promise<ScoreResult>;
  }

  explain(task: Extract<WorkerTask, { kind: 'explain' }>): Promise<ExplainResult> {
    return this.#run({ ...task, model: this.#model(task.modelId) }) as Promise<ExplainResult>;
  }

  /** Live worker threads, for tests that kill one. */
  get threads(): { terminate(): Promise<number> }[] {
    return this.#pool.threads;
  }

  stats(): { threads: number; completed: number; failures: number; queueSize: number } {
    return { threads: this.#pool.threads.length, completed: this.#pool.completed, failures: this.#failures, queueSize: this.#pool.queueSize };
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  #model(id: number): SharedArrayBuffer {
    const cached = this.#shared.get(id);
    if (cached) {
      // Most recently used last, so the oldest is the first key.
      this.#shared.delete(id);
      this.#shared.set(id, cached);
      return cached;
    }
    const bytes = this.#modelBytes(id);
    if (!bytes) {
      this.#failures++;
      throw new Error(`${MODEL_LOAD_FAILED}: model ${id} does not exist`);
    }
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    if (this.#shared.size >= MAX_SHARED_MODELS) this.#shared.delete(this.#shared.keys().next().value!);
    this.#shared.set(id, shared);
    return shared;
  }

  async #run(task: WorkerMessage): Promise<unknown> {
    try {
      return await this.#pool.run(task);
    } catch (error) {
      this.#failures++;
      throw error;
    }
  }
}
