import type { AlertService, IngestBatch, IngestOutcome } from './service.ts';

/** Most events one shared transaction takes: bounds how long one turn holds the event loop. */
export const COALESCE_MAX_EVENTS = 1_000;

interface Waiting {
  batch: IngestBatch;
  resolve: (outcomes: IngestOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for alert batches sent over HTTP (the Alertmanager receiver, `POST
 * /alerts`). A batch is not ingested at once: it waits for the end of the event loop's
 * turn, and every batch whose request was read in that turn (Alertmanager sends several
 * notifications at once, each its own POST) is ingested with it in one transaction
 * (`AlertService.ingestTogether`). Each caller still answers only after its alerts are
 * committed, with its own outcomes, so what a 200 means does not change; what is shared
 * is the commit, the silences' refresh, the read of the alerts and the count of the touched
 * incidents, which were most of a batch's cost (docs/alerts.md, "Group commit").
 *
 * When a shared transaction fails, it rolled back whole (nothing of it was written), and
 * each batch is then ingested on its own, so one batch's failure is only its own. (Ingest
 * refuses nothing with an `AppError`, the one error a unit commits rather than rolls back.)
 */
export class IngestCoalescer {
  readonly #service: AlertService;
  readonly #maxEvents: number;
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(service: AlertService, maxEvents = COALESCE_MAX_EVENTS) {
    this.#service = service;
    this.#maxEvents = maxEvents;
  }

  /** Ingests `batch` with the others of this turn; resolves with its outcomes once committed. */
  ingest(batch: IngestBatch): Promise<IngestOutcome[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ batch, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    // After the poll phase: the requests read in this turn have all been handed in.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush(this.#take());
    });
  }

  /** The waiting batches up to `maxEvents` events (always at least one); the rest wait for the next turn. */
  #take(): Waiting[] {
    let events = 0;
    let n = 0;
    while (n < this.#waiting.length && (n === 0 || events + this.#waiting[n]!.batch.events.length <= this.#maxEvents)) {
      events += this.#waiting[n]!.batch.events.length;
      n++;
    }
    const taken = this.#waiting.slice(0, n);
    this.#waiting = this.#waiting.slice(n);
    this.#schedule();
    return taken;
  }

  async #flush(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.#alone(group[0]!);
    let answers: IngestOutcome[][];
    try {
      answers = await this.#service.ingestTogether(group.map((waiting) => waiting.batch));
    } catch {
      for (const waiting of group) await this.#alone(waiting);
      return;
    }
    group.forEach((waiting, i) => waiting.resolve(answers[i]!));
  }

  async #alone({ batch, resolve, reject }: Waiting): Promise<void> {
    try {
      resolve((await this.#service.ingestTogether([batch]))[0]!);
    } catch (error) {
      reject(error);
    }
  }
}
