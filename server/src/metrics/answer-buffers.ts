/**
 * Buffers that range answers computed on the request thread are written into, given back
 * once the response has been handed to the socket, and written into again by a later answer.
 * A new buffer of an answer's size (tens to hundreds of KiB) costs a page fault for every
 * page on first write under jemalloc, which purges freed pages within a second: profiled,
 * that was a fifth of a one-series request's CPU (docs/benchmarks.md, "Range queries: CPU
 * per request"). A reused buffer's pages are already resident.
 *
 * A buffer goes back only when nothing can read it any more (the response's `finish`: its
 * last byte is with the kernel); one whose response never finishes is simply dropped.
 */
export class AnswerBuffers {
  readonly #free: Buffer[] = [];
  readonly #maxBuffers: number;
  readonly #maxBytes: number;

  /** Keeps at most `maxBuffers` of at most `maxBytes` each: a storm's worth, bounded. */
  constructor(maxBuffers = 16, maxBytes = 2 * 1_048_576) {
    this.#maxBuffers = maxBuffers;
    this.#maxBytes = maxBytes;
  }

  /** A free buffer of at least `bytes`, if one is kept; the caller owns it until `give`. */
  take(bytes: number): Buffer | undefined {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      if (this.#free[i]!.length >= bytes) return this.#free.splice(i, 1)[0];
    }
    return undefined;
  }

  /** `buffer` (a whole buffer from `take` or the writer, not a view into one) is free again. */
  give(buffer: Buffer): void {
    if (buffer.length > this.#maxBytes || buffer.byteOffset !== 0 || buffer.length !== buffer.buffer.byteLength) return;
    if (this.#free.length >= this.#maxBuffers) this.#free.shift();
    this.#free.push(buffer);
  }

  /** Bytes kept. */
  get bytes(): number {
    let n = 0;
    for (const b of this.#free) n += b.length;
    return n;
  }

  /** Lets go of every kept buffer (the server is idle); returns the bytes let go. */
  clear(): number {
    const n = this.bytes;
    this.#free.length = 0;
    return n;
  }
}
