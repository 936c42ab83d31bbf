/**
 * Reused shared memory for the feature rows of scoring tasks. A back-fill sends a page of
 * features (~130 KB) to the workers per task; a fresh buffer each time (a copy into the
 * message, or a new SharedArrayBuffer) cost more than the copy itself: zero-filled external
 * memory for the collector to track and free, thousands of times. A buffer from this list
 * goes out by reference and comes back when its task is done; at most one per task in
 * flight is kept.
 */
export class FeatureBuffers {
  readonly #free: SharedArrayBuffer[] = [];

  /** A view of `length` numbers over a buffer that no other task uses until `release`. */
  acquire(length: number): Float64Array {
    const bytes = length * Float64Array.BYTES_PER_ELEMENT;
    let i = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    // None large enough: the smallest free one is replaced by a larger one.
    if (i < 0 && this.#free.length > 0) i = 0;
    const buffer = i >= 0 && this.#free[i]!.byteLength >= bytes ? this.#free.splice(i, 1)[0]! : (i >= 0 && this.#free.splice(i, 1), new SharedArrayBuffer(bytes));
    return new Float64Array(buffer, 0, length);
  }

  /** Gives a view's buffer back once its task is answered and its rows are no longer read. */
  release(rows: Float64Array): void {
    if (rows.buffer instanceof SharedArrayBuffer) this.#free.push(rows.buffer);
  }
}
