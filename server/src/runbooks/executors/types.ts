import { StringDecoder } from 'node:string_decoder';
import type { ResolvedStep, RunOutputEventData } from '../../../../shared/api/runbooks.ts';

/** Where a step's output goes: kept (up to a limit) for the run record and streamed live. */
export interface OutputSink {
  write(stream: RunOutputEventData['stream'], text: string): void;
}

export interface StepContext {
  runId: number;
  incidentId: number | null;
  labels: Readonly<Record<string, string>>;
  signal: AbortSignal;
  output: OutputSink;
}

export interface StepResult {
  ok: boolean;
  exitCode: number | null;
  error: string | null;
}

export type Executor = (step: ResolvedStep, context: StepContext) => Promise<StepResult>;

/** Keeps the first `limit` bytes of a step's output and says whether more was dropped. */
export class CappedOutput implements OutputSink {
  readonly #limit: number;
  readonly #live: (stream: RunOutputEventData['stream'], text: string) => void;
  #text = '';
  #bytes = 0;
  truncated = false;

  constructor(limit: number, live: (stream: RunOutputEventData['stream'], text: string) => void) {
    this.#limit = limit;
    this.#live = live;
  }

  write(stream: RunOutputEventData['stream'], text: string): void {
    if (this.truncated) return;
    const bytes = Buffer.byteLength(text);
    let kept = text;
    if (this.#bytes + bytes > this.#limit) {
      // Whole characters only: a character cut in two would be decoded as U+FFFD (3 bytes),
      // past the limit. The decoder holds back the bytes of an incomplete last character.
      kept = new StringDecoder('utf8').write(Buffer.from(text).subarray(0, this.#limit - this.#bytes));
      this.truncated = true;
    }
    this.#bytes += Buffer.byteLength(kept);
    this.#text += kept;
    if (kept !== '') this.#live(stream, kept);
    if (this.truncated) this.#live('info', `\n[output truncated at ${this.#limit} bytes]\n`);
  }

  get text(): string {
    return this.#text;
  }
}
