/**
 * The compressed chunks of the series that range queries read again and again, kept in
 * memory as the database holds them: one buffer per series with where each chunk starts
 * (time) and ends (byte), so that a range is a binary search and views, not a SQLite
 * statement and a new Buffer per read. Profiled, the read of one series' day was 11–16 % of
 * a one-series `query_range` request's CPU (docs/benchmarks.md, "Range queries: the chunk
 * cache"); a chart refreshes the same series over and over, and a sealed chunk changes only
 * when a late sample or retention rewrites it.
 *
 * Bounded: `maxBytes` in all (least recently read let go first), no series above
 * `maxSeriesBytes` (a long history is read by range as before), and a series is kept only
 * from its second read (`admit`), so a one-off read of many series (an export, a scan) does
 * not push out the ones being charted. The owner (`ChunkTable`) drops a series' entry on
 * every write to its chunks and empties the cache when the server goes quiet.
 */
export interface SeriesChunks {
  /** Every chunk of the series, one after another, in time order. */
  bytes: Uint8Array;
  /** Each chunk's first timestamp (the table's `start_ts`), ascending. */
  starts: Float64Array;
  /** Each chunk's end offset in `bytes`. */
  ends: Uint32Array;
  /** The chunks' samples decoded (16 bytes a sample), for a series small enough; counted in the cache's bytes. */
  decoded?: { ts: Float64Array; values: Float64Array };
}

/** Memory an entry holds. */
function sizeOf(entry: SeriesChunks): number {
  return entry.bytes.byteLength + (entry.decoded ? entry.decoded.ts.byteLength + entry.decoded.values.byteLength : 0);
}

export class ChunkCache {
  readonly #entries = new Map<number, SeriesChunks>();
  /** Series read once and not kept yet; cleared when it reaches `#askedMax`. */
  readonly #asked = new Set<number>();
  readonly #askedMax = 4096;
  #bytes = 0;

  readonly maxBytes: number;
  readonly maxSeriesBytes: number;

  constructor(maxBytes = 16 * 1_048_576, maxSeriesBytes = 1_048_576) {
    this.maxBytes = maxBytes;
    this.maxSeriesBytes = maxSeriesBytes;
  }

  /** The series' kept chunks, marked as the most recently read. */
  get(id: number): SeriesChunks | undefined {
    const entry = this.#entries.get(id);
    if (entry) {
      this.#entries.delete(id);
      this.#entries.set(id, entry);
    }
    return entry;
  }

  /** Whether to keep the series' chunks now: true from its second read on. */
  admit(id: number): boolean {
    if (this.#asked.has(id)) return true;
    if (this.#asked.size >= this.#askedMax) this.#asked.clear();
    this.#asked.add(id);
    return false;
  }

  set(id: number, entry: SeriesChunks): void {
    this.drop(id);
    if (entry.bytes.byteLength > this.maxSeriesBytes) return;
    this.#entries.set(id, entry);
    this.#bytes += sizeOf(entry);
    for (const [oldest, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= sizeOf(old);
    }
  }

  /** Forgets the series' chunks (they were written). */
  drop(id: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#bytes -= sizeOf(entry);
  }

  /** Forgets everything; returns the bytes let go. */
  clear(): number {
    const bytes = this.#bytes;
    this.#entries.clear();
    this.#asked.clear();
    this.#bytes = 0;
    return bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/**
 * Views of the chunks that can hold samples of [from, to), as the table's range read selects
 * them: from the last chunk starting at or before `from` (or the first after it when none
 * does) to the last starting before `to`.
 */
export function chunksInRange(entry: SeriesChunks, from: number, to: number): Uint8Array[] {
  const { starts, ends, bytes } = entry;
  // The first chunk starting after `from`, less one: the last starting at or before it.
  let first = Math.max(0, upperBound(starts, from) - 1);
  const end = lowerBound(starts, to);
  const out: Uint8Array[] = [];
  for (; first < end; first++) {
    const at = first === 0 ? 0 : ends[first - 1]!;
    // Plain views (not Buffers), as the table's read gives: the decoder sees one kind.
    out.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at, ends[first]! - at));
  }
  return out;
}

/** Index of the first element >= x. */
export function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > x. */
function upperBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
