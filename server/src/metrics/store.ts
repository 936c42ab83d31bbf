import type { Statement } from 'better-sqlite3';
import { chunkCount, decodeChunkInto } from '../../../shared/metrics/chunk-codec.ts';
import type { Db } from '../db/database.ts';
import { ChunkTable, type Columns } from './chunk-table.ts';
import { canonicalLabels, seriesKey, type Labels } from './labels.ts';
import { migrateLegacyMetrics } from './legacy-migration.ts';
import type { RawChunks } from './raw-chunks.ts';
import { HOUR_MS, MINUTE_MS, Rollups, type RollupColumns } from './rollups.ts';
import { SeriesByName } from './series-by-name.ts';
import { groupByTarget, targetOf } from './target.ts';

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

export interface ExportPage {
  /** Export positions of the samples (every sample of one chunk carries the chunk's). */
  seqs: number[];
  seriesIds: number[];
  ts: number[];
  values: number[];
  /** Whether more samples wait after this page. */
  more: boolean;
}

/** Chunk rows and head rows fetched per round while merging the export. */
const EXPORT_FETCH = 512;

/**
 * The embedded metrics store: series (name + labels) in SQLite, samples as compressed
 * chunks (`ChunkTable` over `metric_chunks` + `metric_head`), rollups kept by `Rollups`,
 * anomaly scores per target in their own chunk table. The series catalogue and each
 * series' latest sample live in memory (a host has hundreds of series, not millions), so
 * resolving a series on ingest and answering "latest" never touch the disk.
 *
 * Nothing outside the metrics feature reads these tables: other features go through this
 * class (scores, a target's recent samples, anomaly rates).
 */
export class MetricsStore {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #byKey = new Map<string, SeriesRef>();
  readonly #byId = new Map<number, SeriesRef>();
  readonly #byName = new SeriesByName();
  readonly #latest = new Map<number, LatestSample>();
  readonly #raw: ChunkTable;
  readonly #scores: ChunkTable;
  readonly #rollups: Rollups;
  readonly #insertSeries: Statement;
  readonly #saveSeq: Statement;
  readonly #insertTarget: Statement;
  readonly #targetIds = new Map<string, number>();
  readonly #exportChunks: Statement;
  readonly #exportHead: Statement;
  readonly #appendAll: (batches: readonly SampleBatch[], created: SeriesRef[]) => Written;
  readonly #setScores: (target: string, ts: Float64Array, scores: Float64Array, n: number) => void;
  /** Series per target, dropped whenever the catalogue changes and rebuilt on the next read. */
  #byTarget: Map<string, SeriesRef[]> | undefined;
  /** Last export position handed out; persisted with every append. */
  #seq: number;

  constructor(db: Db, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    migrateLegacyMetrics(db);
    this.#raw = new ChunkTable(db, 'metric_chunks', 'metric_head');
    this.#scores = new ChunkTable(db, 'metric_score_chunks', 'metric_score_head');
    this.#rollups = new Rollups(db, (id, from, to) => this.#raw.read(id, from, to));
    this.#insertSeries = db.prepare('INSERT INTO metric_series (name, labels, created_at) VALUES (?, ?, ?)');
    this.#saveSeq = db.prepare('UPDATE metric_export_state SET last_seq = ? WHERE id = 1');
    this.#seq = (db.prepare('SELECT last_seq FROM metric_export_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    this.#insertTarget = db.prepare('INSERT INTO metric_score_targets (target) VALUES (?)');
    for (const row of db.prepare('SELECT id, target FROM metric_score_targets').all() as { id: number; target: string }[]) this.#targetIds.set(row.target, row.id);
    this.#exportChunks = db.prepare('SELECT max_seq, series_id, data FROM metric_chunks WHERE max_seq > ? ORDER BY max_seq LIMIT ?').raw();
    this.#exportHead = db.prepare('SELECT seq, series_id, ts, value FROM metric_head WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    this.#appendAll = db.transaction((batches: readonly SampleBatch[], created: SeriesRef[]) => this.#write(batches, created));
    this.#setScores = db.transaction((target: string, ts: Float64Array, scores: Float64Array, n: number) => {
      let id = this.#targetIds.get(target);
      if (id === undefined) this.#targetIds.set(target, (id = Number(this.#insertTarget.run(target).lastInsertRowid)));
      this.#scores.write(id, ts, scores, new Float64Array(n), n);
    });
    this.#loadCatalogue();
  }

  #loadCatalogue(): void {
    const rows = this.#db.prepare('SELECT id, name, labels FROM metric_series').all() as { id: number; name: string; labels: string }[];
    for (const row of rows) {
      const ref = { id: row.id, name: row.name, labels: JSON.parse(row.labels) as Labels };
      this.#byKey.set(seriesKey(row.name, row.labels), ref);
      this.#byId.set(row.id, ref);
      this.#byName.add(ref);
      const last = this.#raw.latest(row.id);
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
    this.#byName.add(ref);
    this.#byTarget = undefined;
    return ref;
  }

  /**
   * Writes the batches in one transaction: when it returns, every sample is on disk (in a
   * chunk or the head) and its rollup range is recorded. A sample at a (series, ts) that
   * already exists replaces it and moves to the end of the export order, so syncing clients
   * see the change. Returns each batch's series, in input order. Values must be finite.
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
        this.#byName.remove(ref);
        this.#byTarget = undefined;
        this.#byKey.delete(seriesKey(ref.name, canonicalLabels(ref.labels)));
      }
      throw error;
    }
    for (const [id, last] of written.latest) {
      const latest = this.#latest.get(id);
      if (!latest || last.ts >= latest.ts) this.#latest.set(id, last);
    }
    return written.refs;
  }

  #write(batches: readonly SampleBatch[], created: SeriesRef[]): Written {
    const refs: SeriesRef[] = new Array(batches.length);
    // First pass: series and sample counts, so each series' columns are allocated once.
    const counts = new Map<number, number>();
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const known = this.#byKey.size;
      const series = this.resolveSeries(batch.name, batch.labels);
      if (this.#byKey.size > known) created.push(series);
      refs[b] = series;
      if (batch.samples.length > 0) counts.set(series.id, (counts.get(series.id) ?? 0) + batch.samples.length);
    }
    const columns = new Map<number, Pending>();
    for (const [id, n] of counts) columns.set(id, { ts: new Float64Array(n), values: new Float64Array(n), seqs: new Float64Array(n), length: 0, sorted: true });
    let seq = this.#seq;
    for (let b = 0; b < batches.length; b++) {
      const { samples, name } = batches[b]!;
      if (samples.length === 0) continue;
      const c = columns.get(refs[b]!.id)!;
      for (let i = 0; i < samples.length; i++) {
        const [ts, value] = samples[i]!;
        if (!Number.isFinite(value)) throw new RangeError(`${name}: sample values must be finite numbers (got ${value} at ${ts})`);
        const at = c.length++;
        if (at > 0 && ts <= c.ts[at - 1]!) c.sorted = false;
        c.ts[at] = ts;
        c.values[at] = value;
        c.seqs[at] = ++seq;
      }
    }
    const latest = new Map<number, LatestSample>();
    for (const [id, c] of columns) {
      if (!c.sorted) sortDedupe(c);
      this.#raw.write(id, c.ts, c.values, c.seqs, c.length);
      this.#rollups.markDirty(id, c.ts[0]!, c.ts[c.length - 1]!);
      latest.set(id, { ts: c.ts[c.length - 1]!, value: c.values[c.length - 1]! });
    }
    this.#saveSeq.run(seq);
    this.#seq = seq;
    return { refs, latest };
  }

  seriesById(id: number): SeriesRef | undefined {
    return this.#byId.get(id);
  }

  /** Every series, or those the predicate accepts. */
  series(predicate?: (name: string, labels: Readonly<Labels>) => boolean): SeriesRef[] {
    const all = [...this.#byId.values()];
    return predicate ? all.filter((s) => predicate(s.name, s.labels)) : all;
  }

  /** The series of one metric name, or those of them the predicate accepts: `series` narrowed by a lookup, same order. */
  seriesNamed(name: string, predicate?: (name: string, labels: Readonly<Labels>) => boolean): SeriesRef[] {
    return this.#byName.named(name, predicate);
  }

  /** The series that belong to a target (`targetOf`), from an index rebuilt when the catalogue changes. */
  seriesOfTarget(target: string): SeriesRef[] {
    this.#byTarget ??= groupByTarget(this.#byId.values());
    return this.#byTarget.get(target) ?? [];
  }

  /** The `n` oldest raw samples of a series after `afterTs` (a scoring cursor's page). */
  readFirst(seriesId: number, afterTs: number, n: number): Columns {
    return this.#raw.readFirst(seriesId, afterTs, n);
  }

  /** The newest time a target has a score for, if any (where its scoring resumes). */
  lastScoreTs(target: string): number | undefined {
    const id = this.#targetIds.get(target);
    return id === undefined ? undefined : this.#scores.latest(id)?.ts;
  }

  latest(seriesId: number): LatestSample | undefined {
    return this.#latest.get(seriesId);
  }

  /** Raw samples in [from, to) as columns, ordered by time. */
  readColumns(seriesId: number, from: number, to: number): Columns {
    return this.#raw.read(seriesId, from, to);
  }

  /**
   * What `readColumns` decodes: the chunks as stored and the head samples (see
   * `ChunkTable.readChunks`). The range queries' read: a series read again is answered from
   * its chunks kept in memory (`ChunkTable.readChunksKept`).
   */
  readRawChunks(seriesId: number, from: number, to: number): RawChunks {
    return this.#raw.readChunksKept(seriesId, from, to);
  }

  /** Lets go of the chunks kept for range queries (the server is quiet); returns the bytes. */
  releaseIdleMemory(): number {
    return this.#raw.releaseIdleMemory();
  }

  /** Raw samples in [from, to), as `[ts, value]` rows ordered by time. */
  readRaw(seriesId: number, from: number, to: number): [number, number][] {
    const c = this.#raw.read(seriesId, from, to);
    const rows = new Array<[number, number]>(c.length);
    for (let i = 0; i < c.length; i++) rows[i] = [c.ts[i]!, c.values[i]!];
    return rows;
  }

  /** The `count` newest raw samples before `beforeTs`, oldest first. */
  readLast(seriesId: number, beforeTs: number, count: number): Columns {
    return this.#raw.readLast(seriesId, beforeTs, count);
  }

  /** Raw samples in [from, to) with their target's anomaly score at that time (null until scored). */
  readScored(seriesId: number, from: number, to: number): [number, number, number | null][] {
    const ref = this.#byId.get(seriesId);
    const raw = this.#raw.read(seriesId, from, to);
    const scores = ref ? this.readScores(targetOf(ref.labels), from, to) : { ts: new Float64Array(0), values: new Float64Array(0), length: 0 };
    const rows = new Array<[number, number, number | null]>(raw.length);
    let j = 0;
    for (let i = 0; i < raw.length; i++) {
      const t = raw.ts[i]!;
      while (j < scores.length && scores.ts[j]! < t) j++;
      rows[i] = [t, raw.values[i]!, j < scores.length && scores.ts[j] === t ? scores.values[j]! : null];
    }
    return rows;
  }

  /** Rollup buckets starting in [from, to), up to date with every append (minutes come from raw samples where kept). */
  readRollupColumns(resolution: '1m' | '1h', seriesId: number, from: number, to: number): RollupColumns {
    if (resolution === '1m') return this.#rollups.minutes(seriesId, from, to);
    this.#rollups.flush();
    return this.#rollups.read(seriesId, HOUR_MS, from, to);
  }

  readRollup(resolution: '1m' | '1h', seriesId: number, from: number, to: number): RollupRow[] {
    const c = this.readRollupColumns(resolution, seriesId, from, to);
    const rows = new Array<RollupRow>(c.length);
    for (let i = 0; i < c.length; i++) rows[i] = [c.ts[i]!, c.min[i]!, c.max[i]!, c.sum[i]!, c.count[i]!, c.last[i]!];
    return rows;
  }

  /** Stores a target's anomaly scores (one per sample time; a later score for a time replaces it). */
  setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): void {
    const n = ts.length;
    if (n === 0) return;
    const c: Pending = { ts: Float64Array.from(ts), values: Float64Array.from(scores), seqs: new Float64Array(n), length: n, sorted: true };
    for (let i = 1; i < n && c.sorted; i++) if (c.ts[i]! <= c.ts[i - 1]!) c.sorted = false;
    if (!c.sorted) sortDedupe(c);
    this.#setScores(target, c.ts, c.values, c.length);
  }

  /** A target's scores in [from, to), ordered by time. */
  readScores(target: string, from: number, to: number): Columns {
    const id = this.#targetIds.get(target);
    if (id === undefined) return { ts: new Float64Array(0), values: new Float64Array(0), length: 0 };
    return this.#scores.read(id, from, to);
  }

  /**
   * Samples written after export position `after`, in insertion order, about `limit` of
   * them: a chunk is exported whole (its samples carry its newest position), so a page
   * may run past `limit` by less than one chunk.
   */
  exportAfter(after: number, limit: number, upTo = Infinity): ExportPage {
    const page: ExportPage = { seqs: [], seriesIds: [], ts: [], values: [], more: false };
    // Rows fetched per round in proportion to the page (a sync page of 1,000 samples needs
    // about nine chunks, not 512 BLOBs); a round that runs out fetches the next.
    const chunkFetch = Math.min(EXPORT_FETCH, Math.ceil(limit / 100) + 2);
    const headFetch = Math.min(EXPORT_FETCH, limit + 1);
    let chunks = this.#exportChunks.all(after, chunkFetch) as [number, number, Uint8Array][];
    let head = this.#exportHead.all(after, headFetch) as [number, number, number, number][];
    let c = 0;
    let h = 0;
    let scratch: Columns = { ts: new Float64Array(256), values: new Float64Array(256), length: 0 };
    for (;;) {
      if (c === chunks.length && chunks.length === chunkFetch) {
        chunks = this.#exportChunks.all(chunks[c - 1]![0], chunkFetch) as [number, number, Uint8Array][];
        c = 0;
      }
      if (h === head.length && head.length === headFetch) {
        head = this.#exportHead.all(head[h - 1]![0], headFetch) as [number, number, number, number][];
        h = 0;
      }
      const chunkSeq = c < chunks.length ? chunks[c]![0] : Infinity;
      const headSeq = h < head.length ? head[h]![0] : Infinity;
      if (chunkSeq === Infinity && headSeq === Infinity) break;
      if (Math.min(chunkSeq, headSeq) > upTo) break;
      if (page.ts.length >= limit) {
        page.more = true;
        break;
      }
      if (headSeq < chunkSeq) {
        const [seq, id, t, v] = head[h++]!;
        page.seqs.push(seq);
        page.seriesIds.push(id);
        page.ts.push(t);
        page.values.push(v);
        continue;
      }
      const [seq, id, data] = chunks[c++]!;
      scratch = pushChunkSamples(page, seq, id, data, scratch);
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

  /**
   * Deletes what is older than each cutoff, per series; call inside a transaction, after
   * `flushRollups` (so raw samples are summarised in the hours before they go).
   */
  deleteBefore(seriesId: number, cutoffs: { raw: number; minute: number; hour: number }): { raw: number; minute: number; hour: number } {
    // Raw samples leave by whole minutes, each minute stored as a rollup in the same transaction.
    const rawCutoff = Math.floor(cutoffs.raw / MINUTE_MS) * MINUTE_MS;
    this.#rollups.materializeMinutes(seriesId, rawCutoff);
    return {
      raw: this.#raw.deleteBefore(seriesId, rawCutoff),
      minute: this.#rollups.deleteBefore(seriesId, MINUTE_MS, cutoffs.minute),
      hour: this.#rollups.deleteBefore(seriesId, HOUR_MS, cutoffs.hour),
    };
  }

  /** Deletes a target's scores older than `cutoff`. */
  deleteScoresBefore(cutoff: number): number {
    let deleted = 0;
    for (const id of this.#targetIds.values()) deleted += this.#scores.deleteBefore(id, cutoff);
    return deleted;
  }
}

/** Appends a chunk's samples to an export page (each carrying the chunk's position); returns the scratch columns, grown if the chunk needed more. */
export function pushChunkSamples(page: ExportPage, seq: number, seriesId: number, data: Uint8Array, scratch: Columns): Columns {
  const n = chunkCount(data);
  const into = n > scratch.ts.length ? { ts: new Float64Array(n), values: new Float64Array(n), length: 0 } : scratch;
  decodeChunkInto(data, into.ts, [into.values]);
  for (let i = 0; i < n; i++) {
    page.seqs.push(seq);
    page.seriesIds.push(seriesId);
    page.ts.push(into.ts[i]!);
    page.values.push(into.values[i]!);
  }
  return into;
}

export interface Pending {
  ts: Float64Array;
  values: Float64Array;
  seqs: Float64Array;
  length: number;
  sorted: boolean;
}

/** Sorts columns by time; of samples at the same time the last written wins. */
export function sortDedupe(c: Pending): void {
  const order = Array.from({ length: c.length }, (_, i) => i).sort((a, b) => c.ts[a]! - c.ts[b]! || a - b);
  const ts = c.ts.slice(0, c.length);
  const values = c.values.slice(0, c.length);
  const seqs = c.seqs.slice(0, c.length);
  let w = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (w > 0 && c.ts[w - 1] === ts[i]) w--;
    c.ts[w] = ts[i]!;
    c.values[w] = values[i]!;
    c.seqs[w++] = seqs[i]!;
  }
  c.length = w;
}

interface Written {
  refs: SeriesRef[];
  latest: Map<number, LatestSample>;
}
