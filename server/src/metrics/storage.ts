import type { Db } from '../db/database.ts';
import type { ChunkExportPage } from './chunk-export.ts';
import { ChunkExport } from './chunk-export.ts';
import type { Columns } from './chunk-table.ts';
import type { Labels } from './labels.ts';
import type { RawChunks } from './raw-chunks.ts';
import { enforceRetention, type RetentionPolicy, type RetentionResult } from './retention.ts';
import type { RollupColumns } from './rollups.ts';
import type { ExportPage, LatestSample, MetricsStore, SampleBatch, SeriesRef } from './store.ts';

/**
 * The embedded metrics store as every database offers it: the same operations, answering
 * alike, on SQLite (`SqliteMetricsStorage`, the synchronous chunk store of one process)
 * and on PostgreSQL (`PostgresMetricsStore`, shared by every replica on the database).
 * Asynchronous because PostgreSQL is; the SQLite side answers from the synchronous store
 * at once. `server/src/metrics/storage.test.ts` runs one suite against both.
 */
export interface MetricsStorage {
  /**
   * Writes the batches in one transaction (durable when it resolves): each batch's series,
   * in input order, and the export positions the samples took, (after, upTo].
   */
  append(batches: readonly SampleBatch[]): Promise<AppendResult>;
  /** The newest export position handed out (0 before the first sample). */
  lastSeq(): Promise<number>;
  seriesById(id: number): Promise<SeriesRef | undefined>;
  series(predicate?: (name: string, labels: Readonly<Labels>) => boolean): Promise<SeriesRef[]>;
  /** What `series` answers for series of that name only (same order), found by lookup rather than a scan. */
  seriesNamed(name: string, predicate?: (name: string, labels: Readonly<Labels>) => boolean): Promise<SeriesRef[]>;
  seriesOfTarget(target: string): Promise<SeriesRef[]>;
  /** Each series' newest sample, in the order asked. */
  latest(seriesIds: readonly number[]): Promise<Array<LatestSample | undefined>>;
  /** Raw samples in [from, to), ordered by time. */
  readColumns(seriesId: number, from: number, to: number): Promise<Columns>;
  /** What `readColumns` decodes, not decoded: the chunks as stored and the head samples (range queries decode on a worker). */
  readRawChunks(seriesId: number, from: number, to: number): Promise<RawChunks>;
  /**
   * Each series' `n` oldest raw samples after `afterTs`, in the order asked, all read in one
   * snapshot: a scoring page (TargetReads.samplesAfter) must not see an append's sample of
   * one series and miss its sample of another.
   */
  readFirst(seriesIds: readonly number[], afterTs: number, n: number): Promise<Columns[]>;
  /** The `n` newest raw samples before `beforeTs`, oldest first. */
  readLast(seriesId: number, beforeTs: number, n: number): Promise<Columns>;
  /** Rollup buckets starting in [from, to), up to date with every append. */
  readRollupColumns(resolution: '1m' | '1h', seriesId: number, from: number, to: number): Promise<RollupColumns>;
  /** A target's anomaly scores, one per sample time (a later score for a time replaces it). */
  setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): Promise<void>;
  readScores(target: string, from: number, to: number): Promise<Columns>;
  lastScoreTs(target: string): Promise<number | undefined>;
  /** Samples written after export position `after`, about `limit` of them, none after `upTo`. */
  exportAfter(after: number, limit: number, upTo?: number): Promise<ExportPage>;
  /** The same export with chunks as stored (the desktop cache's format). */
  exportChunks(after: number, limit: number): Promise<ChunkExportPage>;
  /** Deletes what has aged out of each resolution (rollups kept up to date first). */
  enforceRetention(policy: RetentionPolicy, now: number): Promise<RetentionResult>;
  /** The server is quiet: let go of what is kept in memory to answer faster (SQLite: the range queries' chunks). Returns the bytes. */
  releaseIdleMemory?(): number;
}

export interface AppendResult {
  series: SeriesRef[];
  after: number;
  upTo: number;
}

/** The SQLite store behind the common interface (one process, one file). */
export class SqliteMetricsStorage implements MetricsStorage {
  readonly #db: Db;
  readonly store: MetricsStore;
  readonly #chunks: ChunkExport;

  constructor(db: Db, store: MetricsStore) {
    this.#db = db;
    this.store = store;
    this.#chunks = new ChunkExport(db);
  }

  releaseIdleMemory(): number {
    return this.store.releaseIdleMemory();
  }

  async append(batches: readonly SampleBatch[]) {
    // Synchronous: nothing else writes between reading the position and appending.
    const after = this.store.lastSeq;
    const series = this.store.append(batches);
    return { series, after, upTo: this.store.lastSeq };
  }
  async lastSeq() {
    return this.store.lastSeq;
  }
  async seriesById(id: number) {
    return this.store.seriesById(id);
  }
  async series(predicate?: (name: string, labels: Readonly<Labels>) => boolean) {
    return this.store.series(predicate);
  }
  async seriesNamed(name: string, predicate?: (name: string, labels: Readonly<Labels>) => boolean) {
    return this.store.seriesNamed(name, predicate);
  }
  async seriesOfTarget(target: string) {
    return this.store.seriesOfTarget(target);
  }
  async latest(seriesIds: readonly number[]) {
    return seriesIds.map((id) => this.store.latest(id));
  }
  async readColumns(seriesId: number, from: number, to: number) {
    return this.store.readColumns(seriesId, from, to);
  }
  async readRawChunks(seriesId: number, from: number, to: number) {
    return this.store.readRawChunks(seriesId, from, to);
  }
  async readFirst(seriesIds: readonly number[], afterTs: number, n: number) {
    // Synchronous reads in one turn: no append runs between them.
    return seriesIds.map((id) => this.store.readFirst(id, afterTs, n));
  }
  async readLast(seriesId: number, beforeTs: number, n: number) {
    return this.store.readLast(seriesId, beforeTs, n);
  }
  async readRollupColumns(resolution: '1m' | '1h', seriesId: number, from: number, to: number) {
    return this.store.readRollupColumns(resolution, seriesId, from, to);
  }
  async setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>) {
    this.store.setScores(target, ts, scores);
  }
  async readScores(target: string, from: number, to: number) {
    return this.store.readScores(target, from, to);
  }
  async lastScoreTs(target: string) {
    return this.store.lastScoreTs(target);
  }
  async exportAfter(after: number, limit: number, upTo?: number) {
    return this.store.exportAfter(after, limit, upTo);
  }
  async exportChunks(after: number, limit: number) {
    return this.#chunks.after(after, limit);
  }
  async enforceRetention(policy: RetentionPolicy, now: number) {
    return enforceRetention(this.#db, this.store, policy, now);
  }
}
