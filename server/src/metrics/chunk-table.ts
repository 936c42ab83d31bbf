import type { Statement } from 'better-sqlite3';
import { CHUNK_SAMPLES, chunkCount, decodeChunkInto, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import type { Db } from '../db/database.ts';
import { decodeRawInto, rawChunksOf, type RawChunks } from './raw-chunks.ts';
import { ChunkCache, chunksInRange, type SeriesChunks } from './chunk-cache.ts';

/** Columns of samples: timestamps, values and (for the export) positions, `length` used. */
export interface Columns {
  ts: Float64Array;
  values: Float64Array;
  length: number;
}

export interface SeqColumns extends Columns {
  seqs: Float64Array;
}

interface SeriesState {
  /** End of the newest chunk (-Infinity without chunks): head samples are all newer. */
  lastEnd: number;
  /** Head rows; may over-count (a replaced head sample is counted twice) until re-read. */
  head: number;
}

/**
 * One value per (series, ts) kept as compressed chunks plus an uncompressed head of the
 * newest samples: the storage of raw samples and of anomaly scores. Callers own the
 * transaction (a write is durable with the transaction that acknowledges it). Chunks of a
 * series never overlap and its head samples are newer than its chunks, so a read is
 * "chunks in order, then head", and a late sample rewrites only the chunks it lands in.
 */
export class ChunkTable {
  readonly #states = new Map<number, SeriesState>();
  readonly #insertChunk: Statement;
  readonly #deleteChunk: Statement;
  readonly #updateChunk: Statement;
  readonly #overlapping: Statement;
  readonly #inRange: Statement;
  readonly #lastBefore: Statement;
  readonly #fromChunk: Statement;
  readonly #headAfter: Statement;
  readonly #chunksBefore: Statement;
  readonly #insertHead: Statement;
  readonly #readHead: Statement;
  readonly #headRange: Statement;
  readonly #headLastBefore: Statement;
  readonly #deleteHead: Statement;
  readonly #deleteHeadBefore: Statement;
  readonly #allChunks: Statement;
  readonly #db: Db;
  /** Series' chunks kept for `readChunksKept` (range queries); dropped on every write to them. */
  readonly #cache = new ChunkCache();

  constructor(db: Db, chunks: string, head: string) {
    this.#db = db;
    this.#insertChunk = db.prepare(`INSERT INTO ${chunks} (series_id, start_ts, end_ts, count, max_seq, data) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#deleteChunk = db.prepare(`DELETE FROM ${chunks} WHERE id = ?`);
    this.#updateChunk = db.prepare(`UPDATE ${chunks} SET start_ts = ?, end_ts = ?, count = ?, data = ? WHERE id = ?`);
    this.#overlapping = db.prepare(`SELECT id, max_seq, data FROM ${chunks} WHERE series_id = ? AND end_ts >= ? AND start_ts <= ? ORDER BY start_ts`).raw();
    // Chunks never overlap: those that can hold [from, to) start at the last chunk starting
    // at or before `from`, which the (series_id, start_ts) index finds without a scan.
    // The chunks come back as one blob and their lengths: better-sqlite3 makes a new Buffer
    // for every blob it returns, and for a day of one series (72 chunks of ~110 bytes) those
    // were half the read's CPU (docs/benchmarks.md, "Range queries: the chunk read and
    // the cache's admission"). group_concat is binary-safe on blobs (it appends their bytes as
    // they are; the database is UTF-8), and the cast gives them back as a blob. The order
    // comes from an ordered subquery, which SQLite never flattens into an aggregate query
    // (so the rows reach group_concat in it); an ORDER BY inside each group_concat sorted
    // the rows twice and cost more than it saved.
    this.#inRange = db
      .prepare(
        `SELECT CAST(group_concat(data, '') AS BLOB), group_concat(length(data), ',') FROM (
           SELECT data FROM ${chunks} WHERE series_id = ?
           AND start_ts >= coalesce((SELECT max(start_ts) FROM ${chunks} WHERE series_id = ? AND start_ts <= ?), ?)
           AND start_ts < ? ORDER BY start_ts)`,
      )
      .raw();
    // From the chunk that holds `after` (the last starting at or before it) onwards.
    this.#fromChunk = db
      .prepare(
        `SELECT data FROM ${chunks} WHERE series_id = ?
           AND start_ts >= coalesce((SELECT max(start_ts) FROM ${chunks} WHERE series_id = ? AND start_ts <= ?), ?) ORDER BY start_ts`,
      )
      .pluck();
    this.#headAfter = db.prepare(`SELECT ts, value FROM ${head} WHERE series_id = ? AND ts > ? ORDER BY ts LIMIT ?`).raw();
    this.#lastBefore = db.prepare(`SELECT data FROM ${chunks} WHERE series_id = ? AND start_ts < ? ORDER BY start_ts DESC`).pluck();
    this.#chunksBefore = db.prepare(`SELECT id, end_ts, count, data FROM ${chunks} WHERE series_id = ? AND start_ts < ? ORDER BY start_ts`).raw();
    this.#insertHead = db.prepare(`INSERT OR REPLACE INTO ${head} (series_id, ts, value, seq) VALUES (?, ?, ?, ?)`);
    this.#readHead = db.prepare(`SELECT ts, value, seq FROM ${head} WHERE series_id = ? ORDER BY ts`).raw();
    // A series' every chunk, for the cache: the same one-blob read as #inRange, with each
    // chunk's start time.
    this.#allChunks = db
      .prepare(
        `SELECT CAST(group_concat(data, '') AS BLOB), group_concat(length(data), ','), group_concat(start_ts, ',') FROM (
           SELECT data, start_ts FROM ${chunks} WHERE series_id = ? ORDER BY start_ts)`,
      )
      .raw();
    this.#headRange = db.prepare(`SELECT ts, value FROM ${head} WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts`).raw();
    this.#headLastBefore = db.prepare(`SELECT ts, value FROM ${head} WHERE series_id = ? AND ts < ? ORDER BY ts DESC LIMIT ?`).raw();
    this.#deleteHead = db.prepare(`DELETE FROM ${head} WHERE series_id = ?`);
    this.#deleteHeadBefore = db.prepare(`DELETE FROM ${head} WHERE series_id = ? AND ts < ?`);
    for (const [id, end] of db.prepare(`SELECT series_id, max(end_ts) FROM ${chunks} GROUP BY series_id`).raw().all() as [number, number][]) {
      this.#states.set(id, { lastEnd: end, head: 0 });
    }
    for (const [id, n] of db.prepare(`SELECT series_id, count(*) FROM ${head} GROUP BY series_id`).raw().all() as [number, number][]) {
      this.#state(id).head = n;
    }
  }

  #state(id: number): SeriesState {
    let state = this.#states.get(id);
    if (!state) this.#states.set(id, (state = { lastEnd: -Infinity, head: 0 }));
    return state;
  }

  /**
   * Writes samples of one series, sorted by time without duplicates, inside the caller's
   * transaction. `seqs` are their export positions (0 where unused).
   */
  write(id: number, ts: Float64Array, values: Float64Array, seqs: Float64Array, n: number): void {
    const state = this.#state(id);
    let late = 0;
    while (late < n && ts[late]! <= state.lastEnd) late++;
    if (late > 0) {
      this.#cache.drop(id);
      this.#mergeLate(id, ts, values, seqs, late);
    }
    if (late === n) return;
    const fresh = n - late;
    if (state.head + fresh < CHUNK_SAMPLES) {
      for (let i = late; i < n; i++) this.#insertHead.run(id, ts[i], values[i], seqs[i]);
      state.head += fresh;
      return;
    }
    // Enough for at least one chunk: merge the head with the new samples, write full chunks
    // from the oldest, keep the rest as the head.
    const merged = mergeSorted(this.#headColumns(id), ts, values, seqs, late, n);
    const full = merged.length - (merged.length % CHUNK_SAMPLES);
    if (full > 0) this.#cache.drop(id);
    this.#deleteHead.run(id);
    for (let at = 0; at < full; at += CHUNK_SAMPLES) this.#insert(id, merged, at, at + CHUNK_SAMPLES);
    for (let i = full; i < merged.length; i++) this.#insertHead.run(id, merged.ts[i], merged.values[i], merged.seqs[i]);
    if (full > 0) state.lastEnd = merged.ts[full - 1]!;
    state.head = merged.length - full;
  }

  #headColumns(id: number): SeqColumns {
    const rows = this.#readHead.all(id) as [number, number, number][];
    const out = seqColumns(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      out.ts[i] = row[0];
      out.values[i] = row[1];
      out.seqs[i] = row[2];
    }
    out.length = rows.length;
    return out;
  }

  #insert(id: number, c: SeqColumns, from: number, to: number): void {
    let maxSeq = 0;
    for (let i = from; i < to; i++) if (c.seqs[i]! > maxSeq) maxSeq = c.seqs[i]!;
    this.#insertChunk.run(id, c.ts[from], c.ts[to - 1], to - from, maxSeq, encodeChunk(c.ts, [c.values], from, to));
  }

  /** Samples at or before the newest chunk: rewrite the chunks they fall in (or between). */
  #mergeLate(id: number, ts: Float64Array, values: Float64Array, seqs: Float64Array, n: number): void {
    const rows = this.#overlapping.all(id, ts[0], ts[n - 1]) as [number, number, Uint8Array][];
    let total = 0;
    for (const [, , data] of rows) total += chunkCount(data);
    const old = seqColumns(total);
    for (const [chunkId, maxSeq, data] of rows) {
      const at = old.length;
      old.length += decodeChunkInto(data, old.ts, [old.values], at);
      old.seqs.fill(maxSeq, at, old.length);
      this.#deleteChunk.run(chunkId);
    }
    const merged = mergeSorted(old, ts, values, seqs, 0, n);
    for (let at = 0; at < merged.length; at += CHUNK_SAMPLES) this.#insert(id, merged, at, Math.min(merged.length, at + CHUNK_SAMPLES));
  }

  /** Samples in [from, to), in time order. */
  read(id: number, from: number, to: number): Columns {
    return this.readInto(id, from, to);
  }

  /**
   * `read` into `into` when it has room (its columns are overwritten; a query's scratch
   * space), otherwise into new columns; returns the columns written. Only the chunks that
   * overlap the range are fetched and decoded.
   */
  readInto(id: number, from: number, to: number, into?: Columns): Columns {
    return decodeRawInto(this.readChunks(id, from, to), from, to, into);
  }

  /** What `read` decodes: the chunks that overlap [from, to) as stored, and the head samples in it. */
  readChunks(id: number, from: number, to: number): RawChunks {
    const [bytes, lengths] = this.#inRange.get(id, id, from, from, to) as [Buffer | null, string | null];
    const chunks = bytes && lengths ? chunkViews(bytes, lengths) : [];
    const head = this.#states.get(id)?.head ? (this.#headRange.all(id, from, to) as [number, number][]) : [];
    return rawChunksOf(chunks, head);
  }

  /**
   * `readChunks` for range queries: from the series' chunks kept in memory (chunk-cache.ts)
   * when they are, kept from the series' second read on. The head samples are read as in
   * `readChunks`. Returns views of the kept buffer: readers must not write into them nor
   * move them to another thread (the range pool copies them, range-pool.ts `packChunks`).
   */
  readChunksKept(id: number, from: number, to: number): RawChunks {
    let entry = this.#cache.get(id);
    // Never from inside a transaction: what it wrote may yet be rolled back.
    if (!entry && !this.#db.inTransaction && this.#cache.admit(id)) entry = this.#keep(id);
    if (!entry) return this.readChunks(id, from, to);
    const head = this.#states.get(id)?.head ? (this.#headRange.all(id, from, to) as [number, number][]) : [];
    const raw = rawChunksOf(chunksInRange(entry, from, to), head);
    if (entry.decoded) raw.decoded = entry.decoded;
    return raw;
  }

  #keep(id: number): SeriesChunks | undefined {
    const [bytes, lengths, starts] = this.#allChunks.get(id) as [Buffer | null, string | null, string | null];
    if (!bytes || !lengths || !starts || bytes.byteLength > this.#cache.maxSeriesBytes) return undefined;
    const ends = new Uint32Array(lengths.split(',').map(Number));
    for (let i = 1; i < ends.length; i++) ends[i] = ends[i]! + ends[i - 1]!;
    const entry: SeriesChunks = { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), starts: new Float64Array(starts.split(',').map(Number)), ends };
    // Decoded once here rather than on every read (decoding a day was ~6 % of a one-series
    // request), for a series of up to a week at 10 s: 16 bytes a sample, counted in the cache.
    const views = chunksInRange(entry, -Infinity, Infinity);
    let samples = 0;
    for (const view of views) samples += chunkCount(view);
    if (samples <= DECODED_MAX_SAMPLES) {
      const decoded = { ts: new Float64Array(samples), values: new Float64Array(samples) };
      let at = 0;
      for (const view of views) at += decodeChunkInto(view, decoded.ts, [decoded.values], at);
      entry.decoded = decoded;
    }
    this.#cache.set(id, entry);
    return entry;
  }

  /** Empties the chunk cache (the server is quiet); returns the bytes let go. */
  releaseIdleMemory(): number {
    return this.#cache.clear();
  }

  /** The `n` newest samples before `beforeTs`, oldest first. */
  readLast(id: number, beforeTs: number, n: number): Columns {
    const head = this.#states.get(id)?.head ? (this.#headLastBefore.all(id, beforeTs, n) as [number, number][]).reverse() : [];
    const parts: Columns[] = [];
    let have = head.length;
    if (have < n) {
      for (const data of this.#lastBefore.iterate(id, beforeTs) as IterableIterator<Uint8Array>) {
        const c = seqColumns(chunkCount(data));
        c.length = decodeChunkInto(data, c.ts, [c.values]);
        let keep = c.length;
        while (keep > 0 && c.ts[keep - 1]! >= beforeTs) keep--;
        c.length = keep;
        parts.unshift(c);
        have += keep;
        if (have >= n) break;
      }
    }
    const out: Columns = { ts: new Float64Array(Math.min(n, have)), values: new Float64Array(Math.min(n, have)), length: 0 };
    let skip = have - out.ts.length;
    for (const part of parts) {
      for (let i = 0; i < part.length; i++) {
        if (skip > 0) {
          skip--;
          continue;
        }
        out.ts[out.length] = part.ts[i]!;
        out.values[out.length++] = part.values[i]!;
      }
    }
    for (const [t, v] of head) {
      if (skip > 0) {
        skip--;
        continue;
      }
      out.ts[out.length] = t;
      out.values[out.length++] = v;
    }
    return out;
  }

  /**
   * The `n` oldest samples after `afterTs`, in time order: a cursor's next page. Only the
   * chunks the page reaches are decoded.
   */
  readFirst(id: number, afterTs: number, n: number): Columns {
    // Read into scratch columns, returned exactly sized: a scoring page asks every series of a
    // target for up to 512 samples, and kube-state-metrics' one target has 50,000 series, most
    // holding one new sample: room for 512 each was ~400 MB allocated and zeroed per page.
    if (firstScratch.ts.length < n) firstScratch = { ts: new Float64Array(n), values: new Float64Array(n), length: 0 };
    const out = firstScratch;
    out.length = 0;
    const chunk = chunkScratch;
    for (const data of this.#fromChunk.iterate(id, id, afterTs, afterTs) as IterableIterator<Uint8Array>) {
      const count = chunkCount(data);
      if (chunk.ts.length < count) Object.assign(chunk, seqColumns(count));
      chunk.length = decodeChunkInto(data, chunk.ts, [chunk.values]);
      for (let i = 0; i < chunk.length && out.length < n; i++) {
        if (chunk.ts[i]! <= afterTs) continue;
        out.ts[out.length] = chunk.ts[i]!;
        out.values[out.length++] = chunk.values[i]!;
      }
      if (out.length === n) break;
    }
    if (out.length < n && this.#states.get(id)?.head) {
      for (const [t, v] of this.#headAfter.all(id, afterTs, n - out.length) as [number, number][]) {
        out.ts[out.length] = t;
        out.values[out.length++] = v;
      }
    }
    return { ts: out.ts.slice(0, out.length), values: out.values.slice(0, out.length), length: out.length };
  }

  /** The newest sample of a series, if any. */
  latest(id: number): { ts: number; value: number } | undefined {
    const last = this.readLast(id, Infinity, 1);
    return last.length > 0 ? { ts: last.ts[0]!, value: last.values[0]! } : undefined;
  }

  /** Deletes samples older than `cutoff` (trimming the chunk that straddles it); returns how many. */
  deleteBefore(id: number, cutoff: number): number {
    this.#cache.drop(id);
    let deleted = this.#deleteHeadBefore.run(id, cutoff).changes;
    const state = this.#states.get(id);
    if (state && deleted > 0) state.head = Math.max(0, state.head - deleted);
    for (const [chunkId, end, count, data] of this.#chunksBefore.all(id, cutoff) as [number, number, number, Uint8Array][]) {
      if (end < cutoff) {
        this.#deleteChunk.run(chunkId);
        deleted += count;
        continue;
      }
      const c = seqColumns(count);
      c.length = decodeChunkInto(data, c.ts, [c.values]);
      let from = 0;
      while (c.ts[from]! < cutoff) from++;
      deleted += from;
      this.#updateChunk.run(c.ts[from], end, count - from, encodeChunk(c.ts, [c.values], from, c.length), chunkId);
    }
    if (state && state.head === 0 && !Number.isFinite(state.lastEnd)) this.#states.delete(id);
    return deleted;
  }
}

/** Samples of a series whose chunks the cache also keeps decoded (a week at 10 s). */
const DECODED_MAX_SAMPLES = 65_536;

/** readFirst's scratch (it runs to the end without yielding, so one of each serves every call). */
let firstScratch: Columns = { ts: new Float64Array(0), values: new Float64Array(0), length: 0 };
const chunkScratch: SeqColumns = seqColumns(CHUNK_SAMPLES);

export function seqColumns(capacity: number): SeqColumns {
  return { ts: new Float64Array(capacity), values: new Float64Array(capacity), seqs: new Float64Array(capacity), length: 0 };
}

/** Merges sorted `a` with sorted `b[from, to)`; on equal timestamps `b` wins. */
export function mergeSorted(a: SeqColumns, ts: Float64Array, values: Float64Array, seqs: Float64Array, from: number, to: number): SeqColumns {
  const out = seqColumns(a.length + to - from);
  let i = 0;
  let j = from;
  let w = 0;
  while (i < a.length || j < to) {
    const ta = i < a.length ? a.ts[i]! : Infinity;
    const tb = j < to ? ts[j]! : Infinity;
    if (tb <= ta) {
      out.ts[w] = tb;
      out.values[w] = values[j]!;
      out.seqs[w++] = seqs[j++]!;
      if (ta === tb) i++;
    } else {
      out.ts[w] = ta;
      out.values[w] = a.values[i]!;
      out.seqs[w++] = a.seqs[i++]!;
    }
  }
  out.length = w;
  return out;
}

/** Views of each chunk in `bytes`, the chunks one after another, `lengths` their byte lengths as `12,110,…`. */
function chunkViews(bytes: Buffer, lengths: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = bytes.byteOffset;
  let n = 0;
  for (let i = 0; i <= lengths.length; i++) {
    const c = i < lengths.length ? lengths.charCodeAt(i) : 0x2c;
    if (c !== 0x2c) {
      n = n * 10 + c - 0x30;
      continue;
    }
    out.push(new Uint8Array(bytes.buffer, at, n));
    at += n;
    n = 0;
  }
  return out;
}
