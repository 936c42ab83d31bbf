import { decodeChunk, encodeChunk } from '../../../../shared/metrics/chunk-codec.ts';
import type { Columns } from '../chunk-table.ts';
import {
  aggregateBuckets,
  aggregateRaw,
  BUCKETS_PER_CHUNK,
  bucketsInRange,
  ceilTo,
  combineBuckets,
  floorTo,
  HOUR_MS,
  MINUTE_MS,
  pushBucket,
  rollupColumns,
  type RollupColumns,
} from '../rollups.ts';
import { bytea, type Query } from './client.ts';

/** Raw samples of a series in [from, to) on the same connection (so in the same snapshot). */
export type PgRawReader = (query: Query, seriesId: number, from: number, to: number) => Promise<Columns>;

/**
 * The 1 m and 1 h rollups on PostgreSQL, in the same window chunks as SQLite's
 * (`metric_rollup_chunks`, 120 buckets per aligned window). Unlike SQLite, which stores
 * hours as samples arrive (a pending-range table flushed later), nothing is stored while
 * what a bucket summarises is still kept: minutes are derived from raw samples, hours from
 * minutes. Retention stores a minute in the transaction that deletes its raw samples, and
 * an hour in the one that deletes its minutes. So appends from every replica write no
 * rollup at all, and there is no pending state for a replica to leave half-done.
 * Reads combine what is stored with what is derived, in one snapshot.
 */
export class PgRollupWindows {
  readonly #readRaw: PgRawReader;

  constructor(readRaw: PgRawReader) {
    this.#readRaw = readRaw;
  }

  /** Stored buckets of `width` starting in [from, to), in time order. */
  async stored(query: Query, seriesId: number, width: number, from: number, to: number): Promise<RollupColumns> {
    const span = width * BUCKETS_PER_CHUNK;
    const rows = await query<[Buffer]>(
      'SELECT data FROM metric_rollup_chunks WHERE series_id = $1 AND width = $2 AND window_start >= $3 AND window_start < $4 ORDER BY window_start',
      [seriesId, width, floorTo(Math.max(from, Number.MIN_SAFE_INTEGER), span), Math.min(to, Number.MAX_SAFE_INTEGER)],
    );
    return bucketsInRange(rows.map(([data]) => data), from, to);
  }

  /** 1 m buckets starting in [from, to): stored minutes combined with those derived from raw samples. */
  async minutes(query: Query, seriesId: number, from: number, to: number): Promise<RollupColumns> {
    const stored = await this.stored(query, seriesId, MINUTE_MS, from, to);
    const derived = aggregateRaw(await this.#readRaw(query, seriesId, ceilTo(from, MINUTE_MS), ceilTo(to, MINUTE_MS)), MINUTE_MS);
    return stored.length === 0 ? derived : combineBuckets(stored, derived);
  }

  /** 1 h buckets starting in [from, to): stored hours combined with those derived from minutes. */
  async hours(query: Query, seriesId: number, from: number, to: number): Promise<RollupColumns> {
    const stored = await this.stored(query, seriesId, HOUR_MS, from, to);
    const derived = aggregateBuckets(await this.minutes(query, seriesId, ceilTo(from, HOUR_MS), ceilTo(to, HOUR_MS)), HOUR_MS);
    return stored.length === 0 ? derived : combineBuckets(stored, derived);
  }

  /** Stores the minutes of raw samples before `cutoff` (a whole minute): call in the transaction that deletes them. */
  async materializeMinutes(query: Query, seriesId: number, cutoff: number): Promise<void> {
    const fresh = aggregateRaw(await this.#readRaw(query, seriesId, Number.MIN_SAFE_INTEGER, cutoff), MINUTE_MS);
    await this.#addTo(query, seriesId, MINUTE_MS, fresh);
  }

  /** Stores the hours of stored minutes before `cutoff` (a whole hour): call in the transaction that deletes them. */
  async materializeHours(query: Query, seriesId: number, cutoff: number): Promise<void> {
    const minutes = await this.stored(query, seriesId, MINUTE_MS, Number.MIN_SAFE_INTEGER, cutoff);
    await this.#addTo(query, seriesId, HOUR_MS, aggregateBuckets(minutes, HOUR_MS));
  }

  /** Deletes buckets of `width` older than `cutoff`; returns how many. */
  async deleteBefore(query: Query, seriesId: number, width: number, cutoff: number): Promise<number> {
    const span = width * BUCKETS_PER_CHUNK;
    const rows = await query<[number, Buffer]>('SELECT window_start, data FROM metric_rollup_chunks WHERE series_id = $1 AND width = $2 AND window_start < $3', [seriesId, width, cutoff]);
    let deleted = 0;
    for (const [start, data] of rows) {
      const { timestamps, columns } = decodeChunk(data);
      let keep = 0;
      while (keep < timestamps.length && timestamps[keep]! < cutoff) keep++;
      deleted += keep;
      if (keep === 0) continue;
      if (keep === timestamps.length || Number(start) + span <= cutoff) await query('DELETE FROM metric_rollup_chunks WHERE series_id = $1 AND width = $2 AND window_start = $3', [seriesId, width, start]);
      else await this.#upsert(query, seriesId, width, Number(start), encodeChunk(timestamps, columns, keep, timestamps.length));
    }
    return deleted;
  }

  /** Adds `fresh` (sorted) to the stored buckets, window by window (a bucket in both combines them). */
  async #addTo(query: Query, seriesId: number, width: number, fresh: RollupColumns): Promise<void> {
    if (fresh.length === 0) return;
    const span = width * BUCKETS_PER_CHUNK;
    let f = 0;
    while (f < fresh.length) {
      const start = floorTo(fresh.ts[f]!, span);
      const part = rollupColumns(fresh.length - f);
      for (; f < fresh.length && fresh.ts[f]! < start + span; f++) pushBucket(part, fresh.ts[f]!, fresh.min[f]!, fresh.max[f]!, fresh.sum[f]!, fresh.count[f]!, fresh.last[f]!);
      const old = await this.stored(query, seriesId, width, start, start + span);
      const merged = old.length === 0 ? part : combineBuckets(old, part);
      await this.#upsert(query, seriesId, width, start, encodeChunk(merged.ts, [merged.min, merged.max, merged.sum, merged.count, merged.last], 0, merged.length));
    }
  }

  async #upsert(query: Query, seriesId: number, width: number, start: number, data: Uint8Array): Promise<void> {
    await query(
      `INSERT INTO metric_rollup_chunks (series_id, width, window_start, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (series_id, width, window_start) DO UPDATE SET data = excluded.data`,
      [seriesId, width, start, bytea(data)],
    );
  }
}
