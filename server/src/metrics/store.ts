import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import { canonicalLabels, seriesKey, type Labels } from './labels.ts';
import { HOUR_MS, MINUTE_MS, Rollups } from './rollups.ts';

export interface SeriesRef {
  id: number;
  name: string;
  labels: Labels;
}

/** Samples of one series: `[unix ms, value]` pairs. */
export interface SampleBatch {
  name: string;
  labels: Labels;
  samples: ReadonlyArray<readonly [number, number]>;
}

export type Resolution = 'raw' | '1m' | '1h';
export const RESOLUTION_MS: Record<Resolution, number> = { raw: 0, '1m': MINUTE_MS, '1h': HOUR_MS };

/** A rollup bucket: `[bucket start ms, min, max, sum, count, last]`. */
export type RollupRow = [number, number, number, number, number, number];

export interface LatestSample {
  ts: number;
  value: number;
}

/** Rows per multi-row INSERT: fewer calls into SQLite, measured fastest around 50. */
const ROWS_PER_STATEMENT = 50;

export interface ExportPage {
  /** Export positions (insertion order) of the samples. */
  seqs: number[];
  seriesIds: number[];
  ts: number[];
  values: number[];
}

/**
 * The embedded metrics store: series (name + labels) and samples in SQLite, rollups kept
 * by `Rollups`. The series catalogue and each series' latest sample live in memory (a
 * host has hundreds of series, not millions), so resolving a series on ingest and
 * answering "latest" never touch the disk.
 */
export class MetricsStore {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #byKey = new Map<string, SeriesRef>();
  readonly #byId = new Map<number, SeriesRef>();
  readonly #latest = new Map<number, LatestSample>();
  readonly #rollups: Rollups;
  readonly #insertSeries;
  readonly #insertOne;
  readonly #insertMany;
  readonly #saveSeq;
  readonly #appendAll;
  /** Last export position handed out; persisted with every append. */
  #seq: number;
  readonly #readRaw;
  readonly #readScored;
  readonly #readRollup: Record<'1m' | '1h', Statement<[number, number, number]>>;
  readonly #setScore;
  readonly #setScores;
  readonly #exportAfter;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#rollups = new Rollups(db);
    this.#insertSeries = db.prepare('INSERT INTO metric_series (name, labels, created_at) VALUES (?, ?, ?)');
    const insert = 'INSERT OR REPLACE INTO metric_samples (series_id, ts, value, seq) VALUES ';
    this.#insertOne = db.prepare(`${insert}(?, ?, ?, ?)`);
    this.#insertMany = db.prepare(`${insert}${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?)').join(', ')}`);
    this.#saveSeq = db.prepare('UPDATE metric_export_state SET last_seq = ? WHERE id = 1');
    this.#seq = (db.prepare('SELECT last_seq FROM metric_export_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    this.#readRaw = db.prepare('SELECT ts, value FROM metric_samples WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts').raw();
    this.#readScored = db.prepare('SELECT ts, value, score FROM metric_samples WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts').raw();
    this.#readRollup = {
      '1m': db.prepare('SELECT bucket, min, max, sum, count, last FROM metric_rollups_1m WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket').raw(),
      '1h': db.prepare('SELECT bucket, min, max, sum, count, last FROM metric_rollups_1h WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket').raw(),
    };
    this.#setScore = db.prepare('UPDATE metric_samples SET score = ? WHERE series_id = ? AND ts = ?');
    this.#setScores = db.transaction((entries: readonly ScoreEntry[]) => {
      let changed = 0;
      for (const e of entries) changed += this.#setScore.run(e.score, e.seriesId, e.ts).changes;
      return changed;
    });
    this.#exportAfter = db.prepare('SELECT seq, series_id, ts, value FROM metric_samples WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    this.#appendAll = db.transaction((batches: readonly SampleBatch[], created: SeriesRef[]) => this.#write(batches, created));
    this.#loadCatalogue();
  }

  #loadCatalogue(): void {
    const rows = this.#db.prepare('SELECT id, name, labels FROM metric_series').all() as { id: number; name: string; labels: string }[];
    const latest = this.#db.prepare('SELECT ts, value FROM metric_samples WHERE series_id = ? ORDER BY ts DESC LIMIT 1');
    for (const row of rows) {
      const ref = { id: row.id, name: row.name, labels: JSON.parse(row.labels) as Labels };
      this.#byKey.set(seriesKey(row.name, row.labels), ref);
      this.#byId.set(row.id, ref);
      const last = latest.get(row.id) as LatestSample | undefined;
      if (last) this.#latest.set(row.id, last);
    }
  }

  /** The series of that name and labels, created on first use. */
  resolveSeries(name: string, labels: Readonly<Labels>): SeriesRef {
    const labelsJson = canonicalLabels(labels);
    const key = seriesKey(name, labelsJson);
    const known = this.#byKey.get(key);
    if (known) return known;
    const id = Number(this.#insertSeries.run(name, labelsJson, this.#now()).lastInsertRowid);
    const ref = { id, name, labels: JSON.parse(labelsJson) as Labels };
    this.#byKey.set(key, ref);
    this.#byId.set(id, ref);
    return ref;
  }

  /**
   * Writes the batches in one transaction. A sample at a (series, ts) that already exists
   * replaces it and moves to the end of the export order, so syncing clients see the change.
   * Returns each batch's series, in input order. Values must be finite.
   */
  append(batches: readonly SampleBatch[]): SeriesRef[] {
    const created: SeriesRef[] = [];
    let written: Written;
    try {
      written = this.#appendAll(batches, created);
    } catch (error) {
      // The transaction rolled back: forget what it added to the in-memory catalogue.
      for (const ref of created) {
        this.#byId.delete(ref.id);
        this.#byKey.delete(seriesKey(ref.name, canonicalLabels(ref.labels)));
      }
      throw error;
    }
    for (const [id, range] of written.ranges) {
      this.#rollups.markDirty(id, range.from, range.to);
      const latest = this.#latest.get(id);
      if (!latest || range.lastTs >= latest.ts) this.#latest.set(id, { ts: range.lastTs, value: range.lastValue });
    }
    return written.refs;
  }

  #write(batches: readonly SampleBatch[], created: SeriesRef[]): Written {
    const refs: SeriesRef[] = new Array(batches.length);
    const ranges = new Map<number, WrittenRange>();
    const args: number[] = new Array(ROWS_PER_STATEMENT * 4);
    let pending = 0;
    let seq = this.#seq;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const known = this.#byKey.size;
      const series = this.resolveSeries(batch.name, batch.labels);
      if (this.#byKey.size > known) created.push(series);
      refs[b] = series;
      const { samples } = batch;
      if (samples.length === 0) continue;
      const id = series.id;
      let range = ranges.get(id);
      if (!range) ranges.set(id, (range = { from: Infinity, to: -Infinity, lastTs: -Infinity, lastValue: 0 }));
      for (let i = 0; i < samples.length; i++) {
        const [ts, value] = samples[i]!;
        if (!Number.isFinite(value)) throw new RangeError(`${batch.name}: sample values must be finite numbers (got ${value} at ${ts})`);
        const at = pending * 4;
        args[at] = id;
        args[at + 1] = ts;
        args[at + 2] = value;
        args[at + 3] = ++seq;
        if (++pending === ROWS_PER_STATEMENT) {
          this.#insertMany.run(args);
          pending = 0;
        }
        if (ts < range.from) range.from = ts;
        if (ts > range.to) range.to = ts;
        if (ts >= range.lastTs) {
          range.lastTs = ts;
          range.lastValue = value;
        }
      }
    }
    for (let i = 0; i < pending * 4; i += 4) this.#insertOne.run(args[i], args[i + 1], args[i + 2], args[i + 3]);
    this.#saveSeq.run(seq);
    this.#seq = seq;
    return { refs, ranges };
  }

  seriesById(id: number): SeriesRef | undefined {
    return this.#byId.get(id);
  }

  /** Every series, or those the predicate accepts. */
  series(predicate?: (name: string, labels: Readonly<Labels>) => boolean): SeriesRef[] {
    const all = [...this.#byId.values()];
    return predicate ? all.filter((s) => predicate(s.name, s.labels)) : all;
  }

  latest(seriesId: number): LatestSample | undefined {
    return this.#latest.get(seriesId);
  }

  /** Raw samples in [from, to), as `[ts, value]` rows ordered by time. */
  readRaw(seriesId: number, from: number, to: number): [number, number][] {
    return this.#readRaw.all(seriesId, from, to) as [number, number][];
  }

  /** Raw samples in [from, to) with their anomaly score (null until scored). */
  readScored(seriesId: number, from: number, to: number): [number, number, number | null][] {
    return this.#readScored.all(seriesId, from, to) as [number, number, number | null][];
  }

  /** Rollup buckets starting in [from, to), brought up to date with every append first. */
  readRollup(resolution: '1m' | '1h', seriesId: number, from: number, to: number): RollupRow[] {
    this.#rollups.flush();
    return this.#readRollup[resolution].all(seriesId, from, to) as RollupRow[];
  }

  /** Stores anomaly scores beside their samples; returns how many samples were found. */
  setScores(entries: readonly ScoreEntry[]): number {
    return this.#setScores(entries);
  }

  /** Raw samples written after export position `after`, in insertion order. */
  exportAfter(after: number, limit: number): ExportPage {
    const rows = this.#exportAfter.all(after, limit) as [number, number, number, number][];
    const page: ExportPage = { seqs: new Array(rows.length), seriesIds: new Array(rows.length), ts: new Array(rows.length), values: new Array(rows.length) };
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      page.seqs[i] = row[0];
      page.seriesIds[i] = row[1];
      page.ts[i] = row[2];
      page.values[i] = row[3];
    }
    return page;
  }

  /** The newest export position handed out (0 before the first sample). */
  get lastSeq(): number {
    return this.#seq;
  }

  flushRollups(): void {
    this.#rollups.flush();
  }

  get pendingRollups(): number {
    return this.#rollups.pending;
  }
}

interface WrittenRange {
  from: number;
  to: number;
  lastTs: number;
  lastValue: number;
}

interface Written {
  refs: SeriesRef[];
  ranges: Map<number, WrittenRange>;
}

export interface ScoreEntry {
  seriesId: number;
  ts: number;
  score: number;
}
