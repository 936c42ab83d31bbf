/**
 * Buffers that range answers are written into, given back
 * once the response has been handed to the socket, and written into again by a later answer.
 * A new buffer of an answer's size (tens to hundreds of KiB) costs a page fault for every
 * page on first write under jemalloc, which purges freed pages within a second: profiled,
 * that was a fifth of a one-series request's CPU (docs/benchmarks.md, "Range queries: CPU
 * per request"). A reused buffer's pages are already resident.
 *
 * Answers computed on a worker are written into a kept buffer too: it is moved to the
 * worker with the task and comes back as the answer (range-pool.ts).
 *
 * A buffer goes back only when nothing can read it any more (the response's `finish`: its
 * last byte is with the kernel); one whose response never finishes is simply dropped.
 */
export class AnswerBuffers {
  readonly #free: Buffer[] = [];
  readonly #maxBytes: number;
  #bytes = 0;

  /**
   * Keeps at most `maxBytes` in all (8 MiB: a 50-series answer's ~5 MiB and dozens of
   * one-series ones of ~100 KiB; the one worker computes one answer at a time), the oldest
   * given let go first. Cleared when the server goes quiet (`RangePool.releaseIdleMemory`).
   */
  constructor(maxBytes = 8 * 1_048_576) {
    this.#maxBytes = maxBytes;
  }

  /** The smallest kept buffer of at least `bytes`, if any; the caller owns it until `give`. */
  take(bytes: number): Buffer | undefined {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i]!.length;
      if (length >= bytes && (best < 0 || length < this.#free[best]!.length)) best = i;
    }
    if (best < 0) return undefined;
    const [buffer] = this.#free.splice(best, 1);
    this.#bytes -= buffer!.length;
    return buffer;
  }

  /** `buffer` (a whole buffer from `take` or the writer, not a view into one) is free again. */
  give(buffer: Buffer): void {
    if (buffer.length > this.#maxBytes || buffer.byteOffset !== 0 || buffer.length !== buffer.buffer.byteLength) return;
    this.#free.push(buffer);
    this.#bytes += buffer.length;
    while (this.#bytes > this.#maxBytes) this.#bytes -= this.#free.shift()!.length;
  }

  /** Bytes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Lets go of every kept buffer (the server is idle); returns the bytes let go. */
  clear(): number {
    const n = this.#bytes;
    this.#free.length = 0;
    this.#bytes = 0;
    return n;
  }
}
