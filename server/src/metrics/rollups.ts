import type { Db } from '../db/database.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

interface DirtyRange {
  from: number;
  to: number;
}

interface Bucket {
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
}

/**
 * Keeps the 1 m and 1 h rollups (min, max, sum, count, last) in step with raw samples.
 * Appends only note which time range of which series changed; `flush()` recomputes the
 * touched minutes from raw and the touched hours from minutes. Deferring the work keeps
 * ingest at plain-insert speed, and recomputing (rather than adding in) makes late,
 * repeated and replaced samples come out right.
 */
export class Rollups {
  readonly #dirty = new Map<number, DirtyRange>();
  readonly #readRaw;
  readonly #readMinutes;
  readonly #writeMinute;
  readonly #writeHour;
  readonly #flush;

  constructor(db: Db) {
    this.#readRaw = db.prepare('SELECT ts, value FROM metric_samples WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts').raw();
    this.#readMinutes = db
      .prepare('SELECT bucket, min, max, sum, count, last FROM metric_rollups_1m WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket')
      .raw();
    this.#writeMinute = db.prepare('INSERT OR REPLACE INTO metric_rollups_1m (series_id, bucket, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#writeHour = db.prepare('INSERT OR REPLACE INTO metric_rollups_1h (series_id, bucket, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#flush = db.transaction((work: [number, DirtyRange][]) => {
      for (const [seriesId, range] of work) this.#recompute(seriesId, range);
    });
  }

  get pending(): number {
    return this.#dirty.size;
  }

  markDirty(seriesId: number, from: number, to: number): void {
    const range = this.#dirty.get(seriesId);
    if (!range) this.#dirty.set(seriesId, { from, to });
    else {
      if (from < range.from) range.from = from;
      if (to > range.to) range.to = to;
    }
  }

  /** Brings the rollups up to date with every append so far. */
  flush(): void {
    if (this.#dirty.size === 0) return;
    const work = [...this.#dirty];
    this.#dirty.clear();
    this.#flush(work);
  }

  #recompute(seriesId: number, range: DirtyRange): void {
    const minuteFrom = floorTo(range.from, MINUTE_MS);
    const minuteTo = floorTo(range.to, MINUTE_MS) + MINUTE_MS;
    const raw = this.#readRaw.all(seriesId, minuteFrom, minuteTo) as [number, number][];
    for (const b of aggregate(raw.map(([ts, v]) => [ts, v, v, v, 1, v]), MINUTE_MS)) {
      this.#writeMinute.run(seriesId, b.bucket, b.min, b.max, b.sum, b.count, b.last);
    }
    const hourFrom = floorTo(range.from, HOUR_MS);
    const hourTo = floorTo(range.to, HOUR_MS) + HOUR_MS;
    const minutes = this.#readMinutes.all(seriesId, hourFrom, hourTo) as Row[];
    for (const b of aggregate(minutes, HOUR_MS)) {
      this.#writeHour.run(seriesId, b.bucket, b.min, b.max, b.sum, b.count, b.last);
    }
  }
}

/** [ts, min, max, sum, count, last], ordered by ts. */
type Row = [number, number, number, number, number, number];

function aggregate(rows: Row[], width: number): Bucket[] {
  const buckets: Bucket[] = [];
  let current: Bucket | undefined;
  for (const [ts, min, max, sum, count, last] of rows) {
    const bucket = floorTo(ts, width);
    if (current?.bucket !== bucket) {
      current = { bucket, min, max, sum, count, last };
      buckets.push(current);
      continue;
    }
    if (min < current.min) current.min = min;
    if (max > current.max) current.max = max;
    current.sum += sum;
    current.count += count;
    current.last = last;
  }
  return buckets;
}

export function floorTo(ts: number, width: number): number {
  return Math.floor(ts / width) * width;
}
