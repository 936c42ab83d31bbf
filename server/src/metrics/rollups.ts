import type { Statement } from 'better-sqlite3';
import { decodeChunk, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import type { Db } from '../db/database.ts';
import type { Columns } from './chunk-table.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Buckets per rollup chunk: a chunk covers an aligned window of this many buckets. */
export const BUCKETS_PER_CHUNK = 120;

/** Rollup buckets as columns: start, min, max, sum, count, last. */
export interface RollupColumns {
  ts: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
  last: Float64Array;
  length: number;
}

/** Reads raw samples of a series in [from, to). */
export type RawReader = (seriesId: number, from: number, to: number) => Columns;

/**
 * The 1 m and 1 h rollups (min, max, sum, count, last), stored as chunks of 120 buckets per
 * aligned window (2 h of minutes, 5 days of hours).
 *
 * Minutes are not stored while the raw samples they summarise are kept: a minute of 10 s
 * samples is six samples, so a stored copy cost nearly as much as the samples themselves
 * (3.3 of 8 bytes per sample in `bench:peer`). `minutes()` derives them from raw where raw
 * is kept and reads stored ones where retention has removed raw; retention stores a
 * minute (`materializeMinutes`) in the transaction that deletes its raw samples.
 *
 * Hours are stored. An append records the time range it touched in
 * `metric_rollup_pending` inside its own transaction (`markDirty`), so the work survives a
 * restart or a kill -9 (issue 15 item 1); `flush()` recomputes the touched hours from the
 * minutes and clears the pending ranges in the same transaction. Recomputing (rather than
 * adding in) makes late, repeated and replaced samples come out right.
 */
export class Rollups {
  readonly #readRaw: RawReader;
  readonly #markDirty: Statement;
  readonly #pendingRows: Statement;
  readonly #clearPending: Statement;
  readonly #countPending: Statement;
  readonly #readWindow: Statement;
  readonly #windowsInRange: Statement;
  readonly #windowStartsInRange: Statement;
  readonly #windowsBefore: Statement;
  readonly #upsertWindow: Statement;
  readonly #deleteWindow: Statement;
  readonly #flush: () => void;
  /** Whether `metric_rollup_pending` may have rows (mirrors the table to skip empty flushes). */
  #hasPending: boolean;

  constructor(db: Db, readRaw: RawReader) {
    this.#readRaw = readRaw;
    this.#markDirty = db.prepare(
      `INSERT INTO metric_rollup_pending (series_id, from_ts, to_ts) VALUES (?, ?, ?)
       ON CONFLICT (series_id) DO UPDATE SET from_ts = min(from_ts, excluded.from_ts), to_ts = max(to_ts, excluded.to_ts)`,
    );
    this.#pendingRows = db.prepare('SELECT series_id, from_ts, to_ts FROM metric_rollup_pending').raw();
    this.#clearPending = db.prepare('DELETE FROM metric_rollup_pending');
    this.#countPending = db.prepare('SELECT count(*) FROM metric_rollup_pending').pluck();
    this.#readWindow = db.prepare('SELECT data FROM metric_rollup_chunks WHERE series_id = ? AND width = ? AND window_start = ?').pluck();
    this.#windowsInRange = db
      .prepare('SELECT data FROM metric_rollup_chunks WHERE series_id = ? AND width = ? AND window_start >= ? AND window_start < ? ORDER BY window_start')
      .pluck();
    this.#windowStartsInRange = db
      .prepare('SELECT window_start FROM metric_rollup_chunks WHERE series_id = ? AND width = ? AND window_start >= ? AND window_start < ? ORDER BY window_start')
      .pluck();
    this.#windowsBefore = db.prepare('SELECT window_start, data FROM metric_rollup_chunks WHERE series_id = ? AND width = ? AND window_start < ?').raw();
    this.#upsertWindow = db.prepare(
      'INSERT INTO metric_rollup_chunks (series_id, width, window_start, data) VALUES (?, ?, ?, ?) ON CONFLICT (series_id, width, window_start) DO UPDATE SET data = excluded.data',
    );
    this.#deleteWindow = db.prepare('DELETE FROM metric_rollup_chunks WHERE series_id = ? AND width = ? AND window_start = ?');
    this.#flush = db.transaction(() => {
      for (const [seriesId, from, to] of this.#pendingRows.all() as [number, number, number][]) this.#recompute(seriesId, from, to);
      this.#clearPending.run();
    });
    this.#hasPending = (this.#countPending.get() as number) > 0;
  }

  /** Series with ranges waiting to be rolled up. */
  get pending(): number {
    return this.#hasPending ? (this.#countPending.get() as number) : 0;
  }

  /** Records a written range; call inside the transaction that writes the samples. */
  markDirty(seriesId: number, from: number, to: number): void {
    this.#markDirty.run(seriesId, from, to);
    this.#hasPending = true;
  }

  /** Brings the rollups up to date with every append so far. */
  flush(): void {
    if (!this.#hasPending) return;
    this.#flush();
    this.#hasPending = false;
  }

  /** Buckets of `width` starting in [from, to), in time order (flush first for fresh ones). */
  read(seriesId: number, width: number, from: number, to: number): RollupColumns {
    const span = width * BUCKETS_PER_CHUNK;
    return bucketsInRange(this.#windowsInRange.all(seriesId, width, floorTo(from, span), to) as Uint8Array[], from, to);
  }

  /** Deletes buckets of `width` older than `cutoff`; returns how many. */
  deleteBefore(seriesId: number, width: number, cutoff: number): number {
    const span = width * BUCKETS_PER_CHUNK;
    let deleted = 0;
    for (const [start, data] of this.#windowsBefore.all(seriesId, width, cutoff) as [number, Uint8Array][]) {
      const { timestamps, columns } = decodeChunk(data);
      let keep = 0;
      while (keep < timestamps.length && timestamps[keep]! < cutoff) keep++;
      deleted += keep;
      if (keep === 0) continue;
      if (keep === timestamps.length || start + span <= cutoff) this.#deleteWindow.run(seriesId, width, start);
      else this.#upsertWindow.run(seriesId, width, start, encodeChunk(timestamps, columns, keep, timestamps.length));
    }
    return deleted;
  }

  /**
   * 1 m buckets starting in [from, to), in time order: from raw samples where they are kept,
   * from stored minutes where retention removed them (a minute with both, from a sample
   * that arrived late, combines the two).
   */
  minutes(seriesId: number, from: number, to: number): RollupColumns {
    const stored = this.read(seriesId, MINUTE_MS, from, to);
    const derived = aggregateRaw(this.#readRaw(seriesId, ceilTo(from, MINUTE_MS), ceilTo(to, MINUTE_MS)), MINUTE_MS);
    return stored.length === 0 ? derived : combineBuckets(stored, derived);
  }

  /**
   * Stores the minutes of the raw samples before `cutoff` (a whole minute), combined with
   * what is stored for them already: call in the transaction that then deletes those samples.
   */
  materializeMinutes(seriesId: number, cutoff: number): void {
    const fresh = aggregateRaw(this.#readRaw(seriesId, Number.MIN_SAFE_INTEGER, cutoff), MINUTE_MS);
    if (fresh.length === 0) return;
    const from = fresh.ts[0]!;
    const to = fresh.ts[fresh.length - 1]! + MINUTE_MS;
    const stored = this.read(seriesId, MINUTE_MS, from, to);
    this.#replace(seriesId, MINUTE_MS, from, to, stored.length === 0 ? fresh : combineBuckets(stored, fresh));
  }

  #recompute(seriesId: number, from: number, to: number): void {
    const hourFrom = floorTo(from, HOUR_MS);
    const hourTo = floorTo(to, HOUR_MS) + HOUR_MS;
    this.#replace(seriesId, HOUR_MS, hourFrom, hourTo, aggregateBuckets(this.minutes(seriesId, hourFrom, hourTo), HOUR_MS));
  }

  /**
   * Replaces the buckets in [from, to) with `fresh` (sorted), window by window: only the
   * windows stored already or receiving fresh buckets, not every window the range spans (a
   * series with one sample in 1970 and one in 2026 spans 4 million hour windows, and two
   * samples at the ends of the timestamp range 20 million; visiting each stalled the event
   * loop for tens of seconds).
   */
  #replace(seriesId: number, width: number, from: number, to: number, fresh: RollupColumns): void {
    const span = width * BUCKETS_PER_CHUNK;
    let f = 0;
    for (const start of this.#windowsToReplace(seriesId, width, span, from, to, fresh)) {
      const end = start + span;
      const data = this.#readWindow.get(seriesId, width, start) as Uint8Array | undefined;
      const old = data ? decodeChunk(data) : undefined;
      const merged = rollupColumns((old?.timestamps.length ?? 0) + fresh.length);
      let o = 0;
      const oldN = old?.timestamps.length ?? 0;
      // Old buckets before the replaced range, the fresh ones inside it, old ones after it.
      for (; o < oldN && old!.timestamps[o]! < from; o++) pushOld(merged, old!, o);
      for (; f < fresh.length && fresh.ts[f]! < end; f++) {
        pushBucket(merged, fresh.ts[f]!, fresh.min[f]!, fresh.max[f]!, fresh.sum[f]!, fresh.count[f]!, fresh.last[f]!);
      }
      for (; o < oldN; o++) if (old!.timestamps[o]! >= to) pushOld(merged, old!, o);
      if (merged.length === 0) {
        if (data) this.#deleteWindow.run(seriesId, width, start);
        continue;
      }
      const cols = [merged.min, merged.max, merged.sum, merged.count, merged.last];
      this.#upsertWindow.run(seriesId, width, start, encodeChunk(merged.ts, cols, 0, merged.length));
    }
  }

  /** Starts of the windows in [from, to) that are stored or get a bucket of `fresh`, ascending. */
  #windowsToReplace(seriesId: number, width: number, span: number, from: number, to: number, fresh: RollupColumns): number[] {
    const starts = new Set(this.#windowStartsInRange.all(seriesId, width, floorTo(from, span), to) as number[]);
    for (let i = 0; i < fresh.length; i++) {
      const t = fresh.ts[i]!;
      if (t >= from && t < to) starts.add(floorTo(t, span));
    }
    return [...starts].sort((a, b) => a - b);
  }
}

function pushOld(out: RollupColumns, old: { timestamps: Float64Array; columns: Float64Array[] }, i: number): void {
  const c = old.columns;
  pushBucket(out, old.timestamps[i]!, c[0]![i]!, c[1]![i]!, c[2]![i]!, c[3]![i]!, c[4]![i]!);
}

/** The buckets of stored windows (in window order) that start in [from, to). */
export function bucketsInRange(windows: readonly Uint8Array[], from: number, to: number): RollupColumns {
  const parts = windows.map(decodeChunk);
  const out = rollupColumns(parts.reduce((n, p) => n + p.timestamps.length, 0));
  for (const { timestamps, columns } of parts) {
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i]!;
      if (t >= from && t < to) pushBucket(out, t, columns[0]![i]!, columns[1]![i]!, columns[2]![i]!, columns[3]![i]!, columns[4]![i]!);
    }
  }
  return out;
}

export function rollupColumns(capacity: number): RollupColumns {
  const f = () => new Float64Array(capacity);
  return { ts: f(), min: f(), max: f(), sum: f(), count: f(), last: f(), length: 0 };
}

export function pushBucket(out: RollupColumns, ts: number, min: number, max: number, sum: number, count: number, last: number): void {
  const i = out.length++;
  out.ts[i] = ts;
  out.min[i] = min;
  out.max[i] = max;
  out.sum[i] = sum;
  out.count[i] = count;
  out.last[i] = last;
}

export function aggregateRaw(raw: Columns, width: number): RollupColumns {
  const out = rollupColumns(raw.length);
  let b = -1;
  for (let i = 0; i < raw.length; i++) {
    const bucket = floorTo(raw.ts[i]!, width);
    const v = raw.values[i]!;
    if (b < 0 || out.ts[b] !== bucket) {
      pushBucket(out, bucket, v, v, v, 1, v);
      b = out.length - 1;
      continue;
    }
    if (v < out.min[b]!) out.min[b] = v;
    if (v > out.max[b]!) out.max[b] = v;
    out.sum[b]! += v;
    out.count[b]!++;
    out.last[b] = v;
  }
  return out;
}

export function aggregateBuckets(rows: RollupColumns, width: number): RollupColumns {
  const out = rollupColumns(rows.length);
  let b = -1;
  for (let i = 0; i < rows.length; i++) {
    const bucket = floorTo(rows.ts[i]!, width);
    if (b < 0 || out.ts[b] !== bucket) {
      pushBucket(out, bucket, rows.min[i]!, rows.max[i]!, rows.sum[i]!, rows.count[i]!, rows.last[i]!);
      b = out.length - 1;
      continue;
    }
    if (rows.min[i]! < out.min[b]!) out.min[b] = rows.min[i]!;
    if (rows.max[i]! > out.max[b]!) out.max[b] = rows.max[i]!;
    out.sum[b]! += rows.sum[i]!;
    out.count[b]! += rows.count[i]!;
    out.last[b] = rows.last[i]!;
  }
  return out;
}

/** Two bucket lists (each sorted) as one; a bucket in both combines them (`b`'s last is the later). */
export function combineBuckets(a: RollupColumns, b: RollupColumns): RollupColumns {
  const out = rollupColumns(a.length + b.length);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const ta = i < a.length ? a.ts[i]! : Infinity;
    const tb = j < b.length ? b.ts[j]! : Infinity;
    if (ta < tb) {
      pushBucket(out, ta, a.min[i]!, a.max[i]!, a.sum[i]!, a.count[i]!, a.last[i]!);
      i++;
    } else if (tb < ta) {
      pushBucket(out, tb, b.min[j]!, b.max[j]!, b.sum[j]!, b.count[j]!, b.last[j]!);
      j++;
    } else {
      pushBucket(out, ta, Math.min(a.min[i]!, b.min[j]!), Math.max(a.max[i]!, b.max[j]!), a.sum[i]! + b.sum[j]!, a.count[i]! + b.count[j]!, b.last[j]!);
      i++;
      j++;
    }
  }
  return out;
}

export function floorTo(ts: number, width: number): number {
  return Math.floor(ts / width) * width;
}

export function ceilTo(ts: number, width: number): number {
  return Math.ceil(ts / width) * width;
}
