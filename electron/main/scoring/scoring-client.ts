import { AppError } from '../../../shared/errors.ts';
import type { ScoreInput, ScoreOutput, ScoringResponse } from '../../../shared/scoring/protocol.ts';
import type { TransportFactory, WorkerTransport } from './transport.ts';

export interface ScoringClientOptions {
  createTransport: TransportFactory;
  /** A request still unanswered after this long fails with E_TIMEOUT and the worker is replaced. */
  timeoutMs?: number;
  /** Told whenever a worker dies unexpectedly; the next request starts a fresh one. */
  onWorkerFailed?: (failure: { exitCode: number | null; reason: string; failedRequests: number }) => void;
}

export interface ScoreCallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Pending {
  resolve(output: ScoreOutput): void;
  reject(error: AppError): void;
  onProgress: ((done: number, total: number) => void) | undefined;
  cleanup(): void;
}

/**
 * Main's client of the scoring worker: request ids, a pending map, timeouts, cancellation.
 * A worker that dies fails its pending requests with E_WORKER_FAILED and is replaced on
 * the next request, so one bad input or crash never takes the feature down for good.
 */
export class ScoringClient {
  readonly #options: ScoringClientOptions;
  readonly #pending = new Map<number, Pending>();
  #transport: WorkerTransport | undefined;
  #nextId = 1;
  #workersStarted = 0;

  constructor(options: ScoringClientOptions) {
    this.#options = options;
  }

  /** How many workers were started so far (1 + restarts). */
  get workersStarted(): number {
    return this.#workersStarted;
  }

  score(input: ScoreInput, options: ScoreCallOptions = {}): Promise<ScoreOutput> {
    if (options.signal?.aborted) return Promise.reject(new AppError('E_CANCELLED'));
    const transport = this.#ensureTransport();
    const id = this.#nextId++;
    return new Promise<ScoreOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle(id)?.reject(new AppError('E_TIMEOUT', 'The scoring worker did not answer in time.'));
        // A worker that does not answer cannot be trusted with the next request either.
        void this.#replaceWorker('timed out');
      }, options.timeoutMs ?? this.#options.timeoutMs ?? 120_000);
      const onAbort = () => {
        transport.send({ type: 'cancel', id });
        this.#settle(id)?.reject(new AppError('E_CANCELLED'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve,
        reject,
        onProgress: options.onProgress,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
      transport.send({ type: 'score', id, input });
    });
  }

  /** Test hook: asks a worker started with test hooks to exit abruptly. */
  crashWorkerForTest(): void {
    this.#ensureTransport().send({ type: 'debug.crash', id: this.#nextId++ });
  }

  async close(): Promise<void> {
    const transport = this.#transport;
    this.#transport = undefined;
    this.#failAll(new AppError('E_CANCELLED', 'The scoring client was closed.'));
    await transport?.terminate();
  }

  #ensureTransport(): WorkerTransport {
    if (this.#transport) return this.#transport;
    const transport = this.#options.createTransport();
    this.#workersStarted++;
    transport.onMessage((message) => this.#onMessage(message));
    transport.onExit((exitCode, reason) => {
      if (this.#transport !== transport) return;
      this.#transport = undefined;
      const failedRequests = this.#failAll(new AppError('E_WORKER_FAILED', `The scoring worker stopped: ${reason}`, { exitCode }));
      this.#options.onWorkerFailed?.({ exitCode, reason, failedRequests });
    });
    this.#transport = transport;
    return transport;
  }

  async #replaceWorker(reason: string): Promise<void> {
    const transport = this.#transport;
    this.#transport = undefined;
    this.#failAll(new AppError('E_WORKER_FAILED', `The scoring worker was replaced: ${reason}`));
    await transport?.terminate();
  }

  #onMessage(message: ScoringResponse): void {
    if (message.type === 'ready') return;
    if (message.type === 'progress') {
      this.#pending.get(message.id)?.onProgress?.(message.done, message.total);
      return;
    }
    const pending = this.#settle(message.id);
    if (!pending) return;
    if (message.type === 'result') pending.resolve(message.output);
    else pending.reject(AppError.fromBody({ error: message.error }) ?? new AppError('E_WORKER_FAILED', message.error.message));
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.cleanup();
    return pending;
  }

  #failAll(error: AppError): number {
    const ids = [...this.#pending.keys()];
    for (const id of ids) this.#settle(id)?.reject(error);
    return ids.length;
  }
}
