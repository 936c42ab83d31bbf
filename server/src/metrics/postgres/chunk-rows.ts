import { CHUNK_SAMPLES, chunkCount, decodeChunkInto, encodeChunk } from '../../../../shared/metrics/chunk-codec.ts';
import { decodeRawInto, rawChunksOf, type RawChunks } from '../raw-chunks.ts';
import { mergeSorted, seqColumns, type Columns, type SeqColumns } from '../chunk-table.ts';
import { bytea, type Query } from './client.ts';

/** Samples of one series to write: sorted by time, no duplicates, `seqs` their export positions. */
export interface SeriesWrite {
  id: number;
  ts: Float64Array;
  values: Float64Array;
  seqs: Float64Array;
  length: number;
}

/**
 * `ChunkTable` (../chunk-table.ts) on PostgreSQL: the same invariants (a series' chunks
 * never overlap, its head samples are newer than its chunks) and the same chunk bytes, for
 * raw samples (`metric_chunks` + `metric_head`) and anomaly scores. Nothing is cached per
 * replica: another replica may have written since, so a write reads each series' state
 * inside its transaction, which the caller has made the only writer (store.ts). Each read
 * is one statement, hence one snapshot: a chunk sealed from the head between two reads can
 * not be missed or seen twice.
 */
export class PgChunkRows {
  readonly #chunks: string;
  readonly #head: string;

  constructor(chunks: string, head: string) {
    this.#chunks = chunks;
    this.#head = head;
  }

  /** Writes every series' samples inside the caller's transaction. */
  async write(query: Query, writes: readonly SeriesWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const states = await query<[number, number | null, number]>(
      `SELECT s.id,
              (SELECT max(end_ts) FROM ${this.#chunks} c WHERE c.series_id = s.id),
              (SELECT count(*) FROM ${this.#head} h WHERE h.series_id = s.id)
         FROM unnest($1::bigint[]) AS s(id)`,
      [writes.map((w) => w.id)],
    );
    const stateOf = new Map(states.map(([id, lastEnd, head]) => [Number(id), { lastEnd: lastEnd ?? -Infinity, head: Number(head) }]));
    // Samples that only join a head: one multi-row insert for the whole batch.
    const headRows: { id: number[]; ts: number[]; value: number[]; seq: number[] } = { id: [], ts: [], value: [], seq: [] };
    for (const w of writes) {
      const state = stateOf.get(w.id) ?? { lastEnd: -Infinity, head: 0 };
      let late = 0;
      while (late < w.length && w.ts[late]! <= state.lastEnd) late++;
      if (late > 0) await this.#mergeLate(query, w, late);
      if (late === w.length) continue;
      if (state.head + w.length - late < CHUNK_SAMPLES) {
        for (let i = late; i < w.length; i++) {
          headRows.id.push(w.id);
          headRows.ts.push(w.ts[i]!);
          headRows.value.push(w.values[i]!);
          headRows.seq.push(w.seqs[i]!);
        }
        continue;
      }
      // Enough for at least one chunk: the head and the new samples merged, full chunks
      // written from the oldest, the rest kept as the head.
      const head = await query<[number, number, number]>(`DELETE FROM ${this.#head} WHERE series_id = $1 RETURNING ts, value, seq`, [w.id]);
      head.sort((a, b) => Number(a[0]) - Number(b[0]));
      const old = seqColumns(head.length);
      for (const [t, v, s] of head) {
        old.ts[old.length] = Number(t);
        old.values[old.length] = v;
        old.seqs[old.length++] = Number(s);
      }
      const merged = mergeSorted(old, w.ts, w.values, w.seqs, late, w.length);
      const full = merged.length - (merged.length % CHUNK_SAMPLES);
      await this.#insertChunks(query, w.id, merged, 0, full);
      for (let i = full; i < merged.length; i++) {
        headRows.id.push(w.id);
        headRows.ts.push(merged.ts[i]!);
        headRows.value.push(merged.values[i]!);
        headRows.seq.push(merged.seqs[i]!);
      }
    }
    if (headRows.id.length > 0) {
      await query(
        `INSERT INTO ${this.#head} (series_id, ts, value, seq)
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::bigint[])
           ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value, seq = excluded.seq`,
        [headRows.id, headRows.ts, headRows.value, headRows.seq],
      );
    }
  }

  /** Chunks of CHUNK_SAMPLES (the last may be shorter) from columns [from, to), one statement. */
  async #insertChunks(query: Query, id: number, c: SeqColumns, from: number, to: number): Promise<void> {
    if (to <= from) return;
    const starts: number[] = [];
    const ends: number[] = [];
    const counts: number[] = [];
    const maxSeqs: number[] = [];
    const data: Buffer[] = [];
    for (let at = from; at < to; at += CHUNK_SAMPLES) {
      const end = Math.min(to, at + CHUNK_SAMPLES);
      let maxSeq = 0;
      for (let i = at; i < end; i++) if (c.seqs[i]! > maxSeq) maxSeq = c.seqs[i]!;
      starts.push(c.ts[at]!);
      ends.push(c.ts[end - 1]!);
      counts.push(end - at);
      maxSeqs.push(maxSeq);
      data.push(bytea(encodeChunk(c.ts, [c.values], at, end)));
    }
    await query(
      `INSERT INTO ${this.#chunks} (series_id, start_ts, end_ts, count, max_seq, data)
         SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::bigint[], $6::bytea[])`,
      [id, starts, ends, counts, maxSeqs, data],
    );
  }

  /** Samples at or before the newest chunk: the chunks they fall in (or between) rewritten. */
  async #mergeLate(query: Query, w: SeriesWrite, n: number): Promise<void> {
    const rows = await query<[number, number, Buffer]>(
      `DELETE FROM ${this.#chunks} WHERE series_id = $1 AND end_ts >= $2 AND start_ts <= $3 RETURNING start_ts, max_seq, data`,
      [w.id, w.ts[0], w.ts[n - 1]],
    );
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    let total = 0;
    for (const [, , data] of rows) total += chunkCount(data);
    const old = seqColumns(total);
    for (const [, maxSeq, data] of rows) {
      const at = old.length;
      old.length += decodeChunkInto(data, old.ts, [old.values], at);
      old.seqs.fill(Number(maxSeq), at, old.length);
    }
    const merged = mergeSorted(old, w.ts, w.values, w.seqs, 0, n);
    await this.#insertChunks(query, w.id, merged, 0, merged.length);
  }

  /** Samples in [from, to), in time order: the chunks that can hold them and the head, in one statement. */
  async read(query: Query, id: number, from: number, to: number, into?: Columns): Promise<Columns> {
    return decodeRawInto(await this.readChunks(query, id, from, to), from, to, into);
  }

  /** What `read` decodes: the chunks that can hold samples of [from, to) as stored, and the head samples in it. */
  async readChunks(query: Query, id: number, from: number, to: number): Promise<RawChunks> {
    // Chunks never overlap: those that can hold [from, to) start at the last chunk starting
    // at or before `from`. Head rows come after every chunk (kind 1).
    const rows = await query<[number, Buffer | null, number | null, number | null]>(
      `SELECT 0 AS kind, data, start_ts, NULL::float8 FROM ${this.#chunks}
         WHERE series_id = $1 AND start_ts >= coalesce((SELECT max(start_ts) FROM ${this.#chunks} WHERE series_id = $1 AND start_ts <= $2), $2) AND start_ts < $3
       UNION ALL
       SELECT 1, NULL, ts, value FROM ${this.#head} WHERE series_id = $1 AND ts >= $2 AND ts < $3`,
      [id, clampTs(from), clampTs(to)],
    );
    const chunks: [number, Buffer][] = [];
    const head: [number, number][] = [];
    for (const [kind, data, t, v] of rows) {
      if (kind === 0) chunks.push([Number(t), data!]);
      else head.push([Number(t), v!]);
    }
    chunks.sort((a, b) => a[0] - b[0]);
    head.sort((a, b) => a[0] - b[0]);
    return rawChunksOf(
      chunks.map(([, data]) => data),
      head,
    );
  }

  /** The `n` oldest samples after `afterTs`, in time order: a cursor's next page. */
  async readFirst(query: Query, id: number, afterTs: number, n: number): Promise<Columns> {
    // Enough chunks for n samples when they are full; more when some are short (late
    // merges, retention trims): read again with twice as many until the page is full or
    // the chunks run out.
    for (let chunkLimit = Math.ceil(n / CHUNK_SAMPLES) + 1; ; chunkLimit *= 2) {
      const rows = await query<[number, Buffer | null, number | null, number | null]>(
        `(SELECT 0 AS kind, data, start_ts, NULL::float8 FROM ${this.#chunks}
           WHERE series_id = $1 AND start_ts >= coalesce((SELECT max(start_ts) FROM ${this.#chunks} WHERE series_id = $1 AND start_ts <= $2), $2)
           ORDER BY start_ts LIMIT $4)
         UNION ALL
         (SELECT 1, NULL, ts, value FROM ${this.#head} WHERE series_id = $1 AND ts > $2 ORDER BY ts LIMIT $3)`,
        [id, clampTs(afterTs), n, chunkLimit],
      );
      const chunks = rows.filter((r) => r[0] === 0).sort((a, b) => Number(a[2]) - Number(b[2]));
      const head = rows.filter((r) => r[0] === 1).sort((a, b) => Number(a[2]) - Number(b[2]));
      const out: Columns = { ts: new Float64Array(n), values: new Float64Array(n), length: 0 };
      const chunk = seqColumns(CHUNK_SAMPLES);
      for (const [, data] of chunks) {
        const count = chunkCount(data!);
        if (chunk.ts.length < count) Object.assign(chunk, seqColumns(count));
        chunk.length = decodeChunkInto(data!, chunk.ts, [chunk.values]);
        for (let i = 0; i < chunk.length && out.length < n; i++) {
          if (chunk.ts[i]! <= afterTs) continue;
          out.ts[out.length] = chunk.ts[i]!;
          out.values[out.length++] = chunk.values[i]!;
        }
      }
      if (out.length < n && chunks.length === chunkLimit) continue;
      for (let i = 0; i < head.length && out.length < n; i++) {
        out.ts[out.length] = Number(head[i]![2]);
        out.values[out.length++] = head[i]![3]!;
      }
      // Exactly sized, as SQLite's (chunk-table.ts): a page of a wide target holds what it read.
      return out.length === n ? out : { ts: out.ts.slice(0, out.length), values: out.values.slice(0, out.length), length: out.length };
    }
  }

  /** The `n` newest samples before `beforeTs`, oldest first. */
  async readLast(query: Query, id: number, beforeTs: number, n: number): Promise<Columns> {
    for (let chunkLimit = Math.ceil(n / CHUNK_SAMPLES) + 1; ; chunkLimit *= 2) {
      const rows = await query<[number, Buffer | null, number | null, number | null]>(
        `(SELECT 0 AS kind, data, start_ts, NULL::float8 FROM ${this.#chunks}
           WHERE series_id = $1 AND start_ts < $2 ORDER BY start_ts DESC LIMIT $4)
         UNION ALL
         (SELECT 1, NULL, ts, value FROM ${this.#head} WHERE series_id = $1 AND ts < $2 ORDER BY ts DESC LIMIT $3)`,
        [id, clampTs(beforeTs), n, chunkLimit],
      );
      const chunks = rows.filter((r) => r[0] === 0).sort((a, b) => Number(a[2]) - Number(b[2]));
      const head = rows.filter((r) => r[0] === 1).sort((a, b) => Number(a[2]) - Number(b[2]));
      let total = head.length;
      for (const [, data] of chunks) total += chunkCount(data!);
      const all: Columns = { ts: new Float64Array(total), values: new Float64Array(total), length: 0 };
      for (const [, data] of chunks) {
        const at = all.length;
        const count = decodeChunkInto(data!, all.ts, [all.values], at);
        let w = at;
        for (let i = at; i < at + count; i++) {
          if (all.ts[i]! < beforeTs) {
            all.ts[w] = all.ts[i]!;
            all.values[w++] = all.values[i]!;
          }
        }
        all.length = w;
      }
      if (all.length + head.length < n && chunks.length === chunkLimit) continue;
      for (const [, , t, v] of head) {
        all.ts[all.length] = Number(t);
        all.values[all.length++] = v!;
      }
      const keep = Math.min(n, all.length);
      const skip = all.length - keep;
      return { ts: all.ts.slice(skip, all.length), values: all.values.slice(skip, all.length), length: keep };
    }
  }

  /** Deletes samples older than `cutoff` (re-encoding the chunk that straddles it); returns how many. */
  async deleteBefore(query: Query, id: number, cutoff: number): Promise<number> {
    const head = await query<[number]>(`WITH gone AS (DELETE FROM ${this.#head} WHERE series_id = $1 AND ts < $2 RETURNING 1) SELECT count(*) FROM gone`, [id, cutoff]);
    let deleted = Number(head[0]![0]);
    const whole = await query<[number | null]>(`WITH gone AS (DELETE FROM ${this.#chunks} WHERE series_id = $1 AND end_ts < $2 RETURNING count) SELECT sum(count) FROM gone`, [id, cutoff]);
    deleted += Number(whole[0]![0] ?? 0);
    const straddling = await query<[number, number, number, Buffer]>(`SELECT id, end_ts, count, data FROM ${this.#chunks} WHERE series_id = $1 AND start_ts < $2`, [id, cutoff]);
    for (const [chunkId, end, count, data] of straddling) {
      const c = seqColumns(count);
      c.length = decodeChunkInto(data, c.ts, [c.values]);
      let from = 0;
      while (c.ts[from]! < cutoff) from++;
      deleted += from;
      await query(`UPDATE ${this.#chunks} SET start_ts = $1, end_ts = $2, count = $3, data = $4 WHERE id = $5`, [c.ts[from], end, count - from, bytea(encodeChunk(c.ts, [c.values], from, c.length)), chunkId]);
    }
    return deleted;
  }
}

/** ±Infinity as the furthest BIGINT the store can hold (a cursor before any sample, a read to the end). */
function clampTs(ts: number): number {
  return ts === -Infinity ? Number.MIN_SAFE_INTEGER : ts === Infinity ? Number.MAX_SAFE_INTEGER : ts;
}
