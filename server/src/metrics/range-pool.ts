import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { AppError } from '../../../shared/errors.ts';
import { serverFile } from '../server-files.ts';
import { DeadlineTasks } from '../worker-deadline.ts';
import { AnswerBuffers } from './answer-buffers.ts';
import { answerBytesAtMost, answerRange, taskSize, type RangeAnswer, type RangeTask } from './range-answer.ts';
import { wholeBuffer } from './range-json.ts';

/**
 * Samples and points up to which a range answer is computed on the request thread: a
 * worker round trip (the task posted, the worker woken, the answer moved back, the pool's
 * bookkeeping) costs the request thread 80–100 µs and the process 0.5–0.8 ms of CPU in all
 * (`npm run bench:range-worker`, docs/benchmarks.md, "Range queries on worker threads"). A
 * day of one series (8,640 samples, ~0.6 ms inline) is cheaper inline on this 2-core
 * machine; a 50-series answer (432,000 samples, ~100 ms) is the case for a worker.
 */
export const INLINE_MAX_SIZE = 20_000;

/**
 * A worker without a task for this long exits: an idle server holds no worker heap (and no
 * worker's scratch buffer), a storm of queries keeps them.
 */
const IDLE_WORKER_MS = 3_000;

/**
 * A task still unfinished after this long has its worker stopped and fails with
 * E_WORKER_FAILED (worker-deadline.ts); the largest answer takes about 100 ms of a worker.
 */
export const RANGE_TASK_TIMEOUT_MS = 2 * 60_000;

export interface RangePoolOptions {
  /** Worker threads (default: one per core but one, at least 1, at most 4). */
  threads?: number;
  /** Tasks of this size or less run inline (default `INLINE_MAX_SIZE`). */
  inlineMaxSize?: number;
  /** Default `RANGE_TASK_TIMEOUT_MS`. */
  taskTimeoutMs?: number;
  /** The worker's module (tests give one that misbehaves); default `range-worker.ts`. */
  filename?: string;
}

/**
 * Computes range answers (decoding, bucketing, downsampling, writing the JSON) on worker
 * threads, so a heavy query neither holds the event loop nor is limited to its core. The
 * request thread reads the chunks from the database (one code path for SQLite and
 * PostgreSQL, no extra connections) and moves them to a worker in one buffer. A worker
 * that dies, or hangs past the task deadline, fails its task with E_WORKER_FAILED (500) and
 * piscina starts another.
 */
export class RangePool {
  readonly #pool: Piscina;
  readonly #inlineMaxSize: number;
  readonly #tasks: DeadlineTasks;
  /** Buffers answers are written into (inline, or moved to a worker and back), reused once sent (answer-buffers.ts). */
  readonly #buffers = new AnswerBuffers();
  #inline = 0;
  #offloaded = 0;
  #lent = 0;
  #failures = 0;

  constructor(options: RangePoolOptions = {}) {
    this.#inlineMaxSize = options.inlineMaxSize ?? INLINE_MAX_SIZE;
    // The request thread keeps a core of its own: one worker on two cores.
    const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    // Workers start with the first task that needs one and leave when idle.
    // No run/wait-time histograms: nothing reads them, and each pool's two held ~0.7 MiB for
    // the life of the server (a heap snapshot of the idle server after bench:peer's load).
    this.#pool = new Piscina({ filename: options.filename ?? serverFile(import.meta.url, './range-worker.ts', 'range-worker.js'), minThreads: 0, maxThreads: threads, idleTimeout: IDLE_WORKER_MS, recordTiming: false });
    this.#tasks = new DeadlineTasks(this.#pool, threads, options.taskTimeoutMs ?? RANGE_TASK_TIMEOUT_MS);
  }

  async answer(task: RangeTask): Promise<RangeAnswer> {
    if (taskSize(task) <= this.#inlineMaxSize) {
      this.#inline++;
      const answer = answerRange(task, (bytes) => this.#buffers.take(bytes));
      answer.release = () => this.#buffers.give(wholeBuffer(answer.json));
      return answer;
    }
    this.#offloaded++;
    const transferList = packChunks(task);
    // A kept buffer goes to the worker to be written into, and comes back as the answer.
    const lent = this.#buffers.take(answerBytesAtMost(task));
    if (lent) {
      this.#lent++;
      task.lent = lent.buffer as ArrayBuffer;
      transferList.push(task.lent);
    }
    let answer: RangeAnswer;
    try {
      answer = (await this.#tasks.run(task, { what: 'the range query worker', transferList })) as RangeAnswer;
    } catch (error) {
      this.#failures++;
      throw new AppError('E_WORKER_FAILED', 'The worker computing this range query failed; try again.', { reason: (error as Error).message });
    }
    answer.release = () => this.#buffers.give(wholeBuffer(answer.json));
    return answer;
  }

  /** Live worker threads, for tests that kill one. */
  get threads(): { terminate(): Promise<number> }[] {
    return this.#pool.threads;
  }

  stats(): { threads: number; inline: number; offloaded: number; failures: number; queueSize: number; keptAnswerBytes: number; lentToWorkers: number } {
    return { threads: this.#pool.threads.length, inline: this.#inline, offloaded: this.#offloaded, failures: this.#failures, queueSize: this.#tasks.queueSize, keptAnswerBytes: this.#buffers.bytes, lentToWorkers: this.#lent };
  }

  /** Lets go of the kept answer buffers (the server is idle); returns the bytes let go. */
  releaseIdleMemory(): number {
    return this.#buffers.clear();
  }

  async close(): Promise<void> {
    this.#tasks.close();
    await this.#pool.destroy();
  }
}

/**
 * Copies every raw chunk of the task into one buffer (`RangeTask.packed`) that is then
 * moved to the worker with the head columns, not cloned. The chunks as read are views into
 * the database driver's memory (pg's socket buffers), which cannot be moved; one copy of
 * the compressed bytes is a small fraction of decoding them.
 */
function packChunks(task: RangeTask): ArrayBuffer[] {
  let bytes = 0;
  let count = 0;
  for (const s of task.series) {
    if (s.source?.kind !== 'raw') continue;
    count += s.source.raw.chunks.length;
    for (const c of s.source.raw.chunks) bytes += c.byteLength;
  }
  const packed = { bytes: new ArrayBuffer(bytes), chunkEnds: new Uint32Array(count), chunksPerSeries: new Uint32Array(task.series.length) };
  const into = new Uint8Array(packed.bytes);
  const transfer: ArrayBuffer[] = [packed.bytes, packed.chunkEnds.buffer, packed.chunksPerSeries.buffer];
  let at = 0;
  let chunk = 0;
  task.series.forEach((s, i) => {
    if (s.source?.kind !== 'raw') return;
    const raw = s.source.raw;
    for (const c of raw.chunks) {
      into.set(c, at);
      at += c.byteLength;
      packed.chunkEnds[chunk++] = at;
    }
    packed.chunksPerSeries[i] = raw.chunks.length;
    raw.chunks = [];
    // The chunk cache's decoded columns: not to be cloned to the worker, which decodes the packed chunks.
    delete raw.decoded;
    // Head columns are allocated per read (raw-chunks.ts): theirs to move.
    for (const column of [raw.headTs, raw.headValues]) if (column.byteOffset === 0 && column.byteLength === column.buffer.byteLength) transfer.push(column.buffer as ArrayBuffer);
  });
  task.packed = packed;
  return transfer;
}
