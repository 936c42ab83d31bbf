import type { Statement } from 'better-sqlite3';
import { CHUNK_SAMPLES, chunkColumns, chunkCount, decodeChunkInto, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import type { CacheDb } from './cache-database.ts';

/**
 * Samples of one series as parallel columns, `length` used. A score of NaN means "not
 * scored yet" (the cache's null): chunks hold plain doubles.
 */
export interface SampleColumns {
  ts: Float64Array;
  values: Float64Array;
  scores: Float64Array;
  length: number;
}

/** How a write treats a sample the cache already holds at the same timestamp. */
export type ScoreRule =
  /** Sync: the value is overwritten; the old score survives only if the value is unchanged. */
  | 'keep-if-unchanged'
  /** Capsule: value and score are both overwritten. */
  | 'overwrite';

export function sampleColumns(capacity: number): SampleColumns {
  return { ts: new Float64Array(capacity), values: new Float64Array(capacity), scores: new Float64Array(capacity), length: 0 };
}

type ChunkRow = [startTs: number, endTs: number, count: number, data: Uint8Array];

/**
 * The cache's samples as compressed chunks (shared/metrics/chunk-codec.ts, the server's
 * format): one row per series and chunk of ~120 samples, keyed (series_id, start_ts), with
 * the chunk's end and count beside the blob as the index. A chunk's columns are the values
 * and, once any of its samples is scored, the scores (NaN where unscored).
 *
 * Chunks of a series never overlap. Appending to a series rewrites only its newest chunk
 * while that one is not full; a sample landing inside older data rewrites the chunks it
 * touches. Callers own the transaction, as with the rows before.
 */
export class SampleChunks {
  readonly #db: CacheDb;
  readonly #around: Statement;
  readonly #after: Statement;
  readonly #before: Statement;
  readonly #insert: Statement;
  readonly #delete: Statement;
  readonly #newest: Statement;

  constructor(db: CacheDb) {
    this.#db = db;
    // Chunks never overlap, so those that can hold [from, to] start at the last chunk that
    // starts at or before `from`: the primary key finds it without a scan of the series.
    this.#around = db
      .prepare(
        `SELECT start_ts, end_ts, count, data FROM sample_chunks WHERE series_id = ?
           AND start_ts >= coalesce((SELECT max(start_ts) FROM sample_chunks WHERE series_id = ? AND start_ts <= ?), ?)
           AND start_ts <= ? ORDER BY start_ts`,
      )
      .raw();
    this.#after = db.prepare('SELECT 1 FROM sample_chunks WHERE series_id = ? AND start_ts > ? LIMIT 1').pluck();
    this.#before = db.prepare('SELECT start_ts, end_ts, count, data FROM sample_chunks WHERE series_id = ? AND start_ts < ? ORDER BY start_ts').raw();
    this.#insert = db.prepare('INSERT INTO sample_chunks (series_id, start_ts, end_ts, count, data) VALUES (?, ?, ?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM sample_chunks WHERE series_id = ? AND start_ts = ?');
    this.#newest = db.prepare('SELECT end_ts, count FROM sample_chunks WHERE series_id = ? ORDER BY start_ts DESC LIMIT 1').raw();
  }

  /**
   * Stores a chunk as it is (a server's, in the same format) when it goes after everything
   * the series holds and the series' newest chunk is full: the common case of a sync, which
   * then costs neither decoding nor encoding. Returns false, storing nothing, otherwise
   * (the caller writes its samples instead). `c` holds the chunk's samples, decoded.
   */
  appendChunk(seriesId: number, data: Uint8Array, c: SampleColumns, newestOf: Map<number, [endTs: number, count: number] | null> = new Map()): boolean {
    if (c.length === 0 || c.length > CHUNK_SAMPLES || chunkColumns(data) !== 1) return false;
    // `newestOf` remembers each series' newest chunk across the chunks of one page.
    let newest = newestOf.get(seriesId);
    if (newest === undefined) newestOf.set(seriesId, (newest = (this.#newest.get(seriesId) as [number, number] | undefined) ?? null));
    if (newest && (newest[0] >= c.ts[0]! || newest[1] < CHUNK_SAMPLES)) return false;
    for (let i = 0; i < c.length; i++) {
      if (!Number.isSafeInteger(c.ts[i]) || (i > 0 && c.ts[i]! <= c.ts[i - 1]!)) return false;
    }
    this.#insert.run(seriesId, c.ts[0], c.ts[c.length - 1], c.length, data);
    newestOf.set(seriesId, [c.ts[c.length - 1]!, c.length]);
    return true;
  }

  /**
   * Writes samples of one series, sorted by time without duplicates (`batch.length` of
   * them). Chunks the batch touches, and the newest chunk it extends while that one is not
   * full, are decoded, merged with the batch and written again.
   */
  write(seriesId: number, batch: SampleColumns, rule: ScoreRule): void {
    const n = batch.length;
    if (n === 0) return;
    const first = batch.ts[0]!;
    const last = batch.ts[n - 1]!;
    // Delta-of-delta coding is exact for whole milliseconds only: refuse rather than round.
    for (let i = 0; i < n; i++) {
      if (!Number.isSafeInteger(batch.ts[i])) throw new RangeError(`A sample timestamp must be whole milliseconds (got ${batch.ts[i]}).`);
    }
    const rows = this.#around.all(seriesId, seriesId, first, first, last) as ChunkRow[];
    // The chunk just before the batch is merged only when it has room left: appending at
    // the end of a series fills its newest chunk instead of leaving small ones behind.
    if (rows.length > 0 && rows[0]![1] < first && rows[0]![2] >= CHUNK_SAMPLES) rows.shift();
    const tail = this.#after.get(seriesId, last) === undefined;
    let old = sampleColumns(0);
    if (rows.length > 0) {
      old = sampleColumns(rows.reduce((sum, row) => sum + row[2], 0));
      for (const row of rows) {
        decodeInto(row[3], old);
        this.#delete.run(seriesId, row[0]);
      }
    }
    const merged = rows.length > 0 ? mergeSamples(old, batch, rule) : batch;
    this.#writeChunks(seriesId, merged, tail);
  }

  /**
   * Writes `c` as new chunks. At the end of a series they are full from the oldest and the
   * remainder is the newest (it fills up with the next samples); inside older data the
   * samples are spread evenly, so one late sample never leaves a chunk of one behind.
   */
  #writeChunks(seriesId: number, c: SampleColumns, tail: boolean): void {
    const chunks = Math.ceil(c.length / CHUNK_SAMPLES);
    const size = tail ? CHUNK_SAMPLES : Math.ceil(c.length / chunks);
    for (let from = 0; from < c.length; from += size) this.#insertChunk(seriesId, c, from, Math.min(c.length, from + size));
  }

  #insertChunk(seriesId: number, c: SampleColumns, from: number, to: number): void {
    let scored = false;
    for (let i = from; i < to && !scored; i++) scored = !Number.isNaN(c.scores[i]!);
    const data = encodeChunk(c.ts, scored ? [c.values, c.scores] : [c.values], from, to);
    this.#insert.run(seriesId, c.ts[from], c.ts[to - 1], to - from, data);
  }

  /** Samples with `fromTs <= ts <= toTs`, in time order; only the chunks that can hold them are decoded. */
  read(seriesId: number, fromTs: number, toTs: number): SampleColumns {
    const rows = this.#around.all(seriesId, seriesId, fromTs, fromTs, toTs) as ChunkRow[];
    const out = sampleColumns(rows.reduce((sum, row) => sum + row[2], 0));
    for (const row of rows) {
      const at = out.length;
      decodeInto(row[3], out);
      // Only the first and the last chunk can reach outside the range: drop what does.
      if (row[0] < fromTs || row[1] > toTs) out.length = at + keepWhere(out, at, (t) => t >= fromTs && t <= toTs);
    }
    return out;
  }

  /** Sets the scores of the samples at `ts` (sorted); timestamps the cache does not hold are skipped. */
  setScores(seriesId: number, ts: ArrayLike<number>, scores: ArrayLike<number>): void {
    if (ts.length === 0) return;
    const rows = this.#around.all(seriesId, seriesId, ts[0], ts[0], ts[ts.length - 1]) as ChunkRow[];
    let j = 0;
    for (const [startTs, endTs, count, data] of rows) {
      while (j < ts.length && ts[j]! < startTs) j++;
      if (j === ts.length || ts[j]! > endTs) continue;
      const c = sampleColumns(count);
      decodeInto(data, c);
      let changed = false;
      for (let i = 0; i < c.length && j < ts.length; i++) {
        while (j < ts.length && ts[j]! < c.ts[i]!) j++;
        if (j < ts.length && ts[j] === c.ts[i]) {
          c.scores[i] = scores[j]!;
          changed = true;
        }
      }
      if (!changed) continue;
      this.#delete.run(seriesId, startTs);
      this.#insertChunk(seriesId, c, 0, c.length);
    }
  }

  /**
   * Deletes the samples older than `cutoff` outside the `[from, to]` windows (pinned
   * incidents); a chunk wholly gone is dropped unread, a straddling one is rewritten.
   * Returns how many samples went.
   */
  deleteBefore(seriesId: number, cutoff: number, windows: readonly [number, number][]): number {
    let deleted = 0;
    const pinned = (t: number) => windows.some(([from, to]) => t >= from && t <= to);
    for (const [startTs, endTs, count, data] of this.#before.all(seriesId, cutoff) as ChunkRow[]) {
      if (endTs < cutoff && !windows.some(([from, to]) => from <= endTs && to >= startTs)) {
        this.#delete.run(seriesId, startTs);
        deleted += count;
        continue;
      }
      const c = sampleColumns(count);
      decodeInto(data, c);
      const kept = keepWhere(c, 0, (t) => t >= cutoff || pinned(t));
      if (kept === count) continue;
      deleted += count - kept;
      this.#delete.run(seriesId, startTs);
      c.length = kept;
      if (kept > 0) this.#insertChunk(seriesId, c, 0, kept);
    }
    return deleted;
  }

  count(): number {
    return this.#db.prepare('SELECT coalesce(sum(count), 0) FROM sample_chunks').pluck().get() as number;
  }

  /** Oldest and newest timestamp held, or nulls when the cache has no samples. */
  span(): { lo: number | null; hi: number | null } {
    return this.#db.prepare('SELECT min(start_ts) AS lo, max(end_ts) AS hi FROM sample_chunks').get() as { lo: number | null; hi: number | null };
  }
}

/** Appends a chunk's samples to `out` (which has room); a chunk without scores reads as unscored. */
export function decodeInto(data: Uint8Array, out: SampleColumns): void {
  const at = out.length;
  const n = chunkCount(data);
  if (chunkColumns(data) >= 2) decodeChunkInto(data, out.ts, [out.values, out.scores], at);
  else {
    decodeChunkInto(data, out.ts, [out.values], at);
    out.scores.fill(NaN, at, at + n);
  }
  out.length = at + n;
}

/** Compacts samples from `at` on to those whose timestamp passes `keep`; returns how many stayed. */
function keepWhere(c: SampleColumns, at: number, keep: (t: number) => boolean): number {
  let w = at;
  for (let i = at; i < c.length; i++) {
    const t = c.ts[i]!;
    if (!keep(t)) continue;
    c.ts[w] = t;
    c.values[w] = c.values[i]!;
    c.scores[w++] = c.scores[i]!;
  }
  return w - at;
}

/** Merges sorted `old` and sorted `batch`; on equal timestamps the batch's value wins and `rule` picks the score. */
export function mergeSamples(old: SampleColumns, batch: SampleColumns, rule: ScoreRule): SampleColumns {
  const out = sampleColumns(old.length + batch.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < old.length || j < batch.length) {
    const ta = i < old.length ? old.ts[i]! : Infinity;
    const tb = j < batch.length ? batch.ts[j]! : Infinity;
    if (tb <= ta) {
      out.ts[w] = tb;
      out.values[w] = batch.values[j]!;
      out.scores[w] = batch.scores[j]!;
      if (ta === tb) {
        if (rule === 'keep-if-unchanged' && old.values[i] === batch.values[j]) out.scores[w] = old.scores[i]!;
        i++;
      }
      j++;
    } else {
      out.ts[w] = ta;
      out.values[w] = old.values[i]!;
      out.scores[w] = old.scores[i]!;
      i++;
    }
    w++;
  }
  out.length = w;
  return out;
}
