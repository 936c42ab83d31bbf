import { Value } from 'typebox/value';
import { StreamingDetector, CounterRates, isCumulativeName, rateKey } from '../../../shared/anomaly/index.ts';
import { AppError } from '../../../shared/errors.ts';
import { ScoringRequestSchema, type ScoreInput, type ScoreOutput, type ScoringResponse } from '../../../shared/scoring/protocol.ts';

/** The worker's side of a transport: what the entry file of each process kind provides. */
export interface WorkerPort {
  post(message: ScoringResponse): void;
  onMessage(handler: (message: unknown) => void): void;
  exit(code: number): void;
}

export interface ScoringWorkerOptions {
  /** Honour `debug.crash`; only tests start workers with this. */
  testHooks: boolean;
}

/** Samples scored between yields to the message loop, so cancel requests get through. */
const CHUNK = 2_000;

/**
 * The scoring worker: runs the shared anomaly engine over series sent by main. Work is
 * chunked with yields so that a cancel arrives while a long series is being scored.
 */
export function runScoringWorker(port: WorkerPort, options: ScoringWorkerOptions): void {
  const cancelled = new Set<number>();

  port.onMessage((message) => {
    if (!Value.Check(ScoringRequestSchema, message)) {
      const id = (message as { id?: unknown } | null)?.id;
      if (typeof id === 'number') port.post({ type: 'error', id, error: new AppError('E_VALIDATION', 'Malformed scoring request.').toBody().error });
      return;
    }
    switch (message.type) {
      case 'cancel':
        cancelled.add(message.id);
        return;
      case 'debug.crash':
        if (options.testHooks) port.exit(70);
        return;
      case 'score':
        void score(message.id, message.input).then(
          (output) => port.post({ type: 'result', id: message.id, output }),
          (error: unknown) => port.post({ type: 'error', id: message.id, error: toErrorBody(error) }),
        );
    }
  });

  async function score(id: number, input: ScoreInput): Promise<ScoreOutput> {
    if (input.ts.length !== input.values.length) throw new AppError('E_VALIDATION', 'ts and values differ in length.');
    // A counter is scored as its per-second rate, as the server scores it (shared/anomaly/counter-rates.ts).
    const counter = isCumulativeName(input.metric);
    const key = counter ? rateKey(input.metric) : input.metric;
    const rates = new CounterRates();
    const detector = new StreamingDetector({
      metrics: [key],
      // The cache charts each sample's own score; a refractory period (one page per incident) would blank an ongoing anomaly.
      refractorySeconds: 0,
      ...(input.minTrainRows !== undefined ? { minTrainRows: input.minTrainRows, retrainEvery: input.minTrainRows } : {}),
      ...(input.trees !== undefined ? { forest: { trees: input.trees } } : {}),
    });
    const scores = new Array<number>(input.ts.length);
    const anomalies: ScoreOutput['anomalies'] = [];
    for (let start = 0; start < input.ts.length; start += CHUNK) {
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled.delete(id)) throw new AppError('E_CANCELLED');
      const end = Math.min(start + CHUNK, input.ts.length);
      for (let i = start; i < end; i++) {
        const value = counter ? rates.rate(key, input.ts[i]!, input.values[i]!) : input.values[i]!;
        if (value === undefined) {
          // A counter's first sample (or one not after the previous): no rate to score yet.
          scores[i] = 0;
          continue;
        }
        const result = detector.push(input.ts[i]!, { [key]: value });
        scores[i] = result.anomalyScore;
        if (result.isAnomaly) anomalies.push({ ts: input.ts[i]!, score: result.anomalyScore, summary: result.explanation?.summary ?? '' });
      }
      port.post({ type: 'progress', id, done: end, total: input.ts.length });
    }
    cancelled.delete(id);
    return { scores, anomalies };
  }
}

function toErrorBody(error: unknown) {
  return (error instanceof AppError ? error : new AppError('E_WORKER_FAILED', error instanceof Error ? error.message : String(error))).toBody().error;
}
