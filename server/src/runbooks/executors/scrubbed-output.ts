import type { RunOutputEventData } from '../../../../shared/api/runbooks.ts';
import { REDACTED } from '../redact.ts';
import type { OutputSink } from './types.ts';

type Stream = RunOutputEventData['stream'];

/**
 * A step's output with the values of its credentials replaced by `[redacted]` before it is
 * kept or streamed (a client's debug line, `set -x`, can print the password it was given).
 * A value may arrive cut over two writes: the end of a write that could begin a credential
 * is held back until the next write of that stream shows whether it does, or `flush()`.
 */
export class ScrubbedOutput implements OutputSink {
  readonly #sink: OutputSink;
  readonly #secrets: readonly string[];
  readonly #held = new Map<Stream, string>();

  constructor(sink: OutputSink, secrets: readonly string[]) {
    this.#sink = sink;
    this.#secrets = secrets;
  }

  write(stream: Stream, text: string): void {
    if (this.#secrets.length === 0) return this.#sink.write(stream, text);
    let pending = (this.#held.get(stream) ?? '') + text;
    for (const secret of this.#secrets) pending = pending.split(secret).join(REDACTED);
    const keep = this.#startOfSecret(pending);
    this.#held.set(stream, pending.slice(pending.length - keep));
    const ready = pending.slice(0, pending.length - keep);
    if (ready !== '') this.#sink.write(stream, ready);
  }

  /** The step ended: what was held back is not the start of a credential after all. */
  flush(): void {
    for (const [stream, held] of this.#held) if (held !== '') this.#sink.write(stream, held);
    this.#held.clear();
  }

  /** The length of the longest end of `text` that is the beginning of a credential. */
  #startOfSecret(text: string): number {
    let longest = 0;
    for (const secret of this.#secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(secret.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
