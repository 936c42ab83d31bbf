import type { Statement } from 'better-sqlite3';
import type { CacheDb } from './cache-database.ts';
import { CHUNK_SAMPLES, chunkCount } from '../../../shared/metrics/chunk-codec.ts';
import { decodeInto, SampleChunks, sampleColumns, type SampleColumns } from './sample-chunks.ts';
import { canonicalLabels } from '../../../shared/metrics/canonical-labels.ts';

export interface CachedSeries {
  id: number;
  serverId: number | null;
  name: string;
  labels: Record<string, string>;
}

/**
 * A server id already names another series (other name or labels) in this cache: the
 * server's ids no longer mean what they meant when it was synced (another server at the
 * same address, or its data folder replaced), so the sync must start over.
 */
export class ServerIdsChangedError extends Error {
  constructor(serverId: number) {
    super(`The server's series ${serverId} is another series than the one this cache synced under that id.`);
    this.name = 'ServerIdsChangedError';
  }
}

export interface SeriesDefinition {
  serverId: number | null;
  name: string;
  labels: Record<string, string>;
}

/** Samples of one series, columnar like the server's payloads. */
export interface SeriesPoints {
  ts: number[];
  values: number[];
  /** Anomaly score per sample, null where not scored yet. */
  scores: (number | null)[];
}

interface SeriesRow {
  id: number;
  server_id: number | null;
  name: string;
  labels: string;
}

/**
 * Series and samples of the cache; samples are kept as compressed chunks (`SampleChunks`).
 * Callers own transactions (a sync page commits as one).
 */
export class MetricCache {
  readonly db: CacheDb;
  readonly chunks: SampleChunks;
  readonly #byServerId = new Map<number, number>();
  readonly #upsertSeries: Statement;
  readonly #findSeries: Statement;

  constructor(db: CacheDb) {
    this.db = db;
    this.#upsertSeries = db.prepare(
      `INSERT INTO series (server_id, name, labels) VALUES (?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET server_id = coalesce(excluded.server_id, series.server_id)
       RETURNING id`,
    );
    this.#findSeries = db.prepare('SELECT id, server_id, name, labels FROM series WHERE name = ? AND labels = ?');
    this.chunks = new SampleChunks(db);
    for (const row of db.prepare('SELECT id, server_id FROM series WHERE server_id IS NOT NULL').all() as { id: number; server_id: number }[]) {
      this.#byServerId.set(row.server_id, row.id);
    }
  }

  /**
   * Returns the local id of each definition, creating series as needed. Throws
   * `ServerIdsChangedError` when a server id already belongs to another series.
   */
  upsertSeries(definitions: readonly SeriesDefinition[]): number[] {
    return definitions.map((definition) => {
      let id: number;
      try {
        ({ id } = this.#upsertSeries.get(definition.serverId, definition.name, canonicalLabels(definition.labels)) as { id: number });
      } catch (error) {
        // (name, labels) conflicts are the upsert's own; the one other unique key is server_id.
        if (definition.serverId !== null && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ServerIdsChangedError(definition.serverId);
        throw error;
      }
      if (definition.serverId !== null) this.#byServerId.set(definition.serverId, id);
      return id;
    });
  }

  /**
   * The server's ids no longer mean what they meant (its data folder was replaced): keep the
   * series and samples, drop the mapping; the next sync maps series again by name and labels.
   */
  forgetServerIds(): void {
    this.db.prepare('UPDATE series SET server_id = NULL').run();
    this.#byServerId.clear();
  }

  localIdOf(serverId: number): number | undefined {
    return this.#byServerId.get(serverId);
  }

  findSeries(name: string, labels: Record<string, string>): CachedSeries | undefined {
    const row = this.#findSeries.get(name, canonicalLabels(labels)) as SeriesRow | undefined;
    return row && toSeries(row);
  }

  series(id: number): CachedSeries | undefined {
    const row = this.db.prepare('SELECT id, server_id, name, labels FROM series WHERE id = ?').get(id) as SeriesRow | undefined;
    return row && toSeries(row);
  }

  listSeries(name?: string): CachedSeries[] {
    const rows = (name === undefined
      ? this.db.prepare('SELECT id, server_id, name, labels FROM series ORDER BY id').all()
      : this.db.prepare('SELECT id, server_id, name, labels FROM series WHERE name = ? ORDER BY id').all(name)) as SeriesRow[];
    return rows.map(toSeries);
  }

  /**
   * Columnar insert of samples for local series ids, in any order (a sync page interleaves
   * series). A re-delivered sample overwrites, never duplicates; its score survives only if
   * the value did not change.
   */
  insertSamples(seriesIds: ArrayLike<number>, ts: ArrayLike<number>, values: ArrayLike<number>): void {
    for (const [seriesId, rows] of groupBySeries(seriesIds)) this.chunks.write(seriesId, batchOf(rows, ts, values, undefined), 'keep-if-unchanged');
  }

  /**
   * Whole chunks in the cache's format (a server's chunk export) for local series ids: each
   * is stored as it is when it goes after everything its series holds, else its samples
   * are written as by `insertSamples`.
   */
  insertChunks(seriesIds: ArrayLike<number>, chunks: readonly Uint8Array[]): void {
    const rest = { seriesIds: [] as number[], ts: [] as number[], values: [] as number[] };
    const scratch = sampleColumns(CHUNK_SAMPLES);
    const newestOf = new Map<number, [number, number] | null>();
    for (let i = 0; i < chunks.length; i++) {
      const data = chunks[i]!;
      const n = chunkCount(data);
      const c = n <= CHUNK_SAMPLES ? scratch : sampleColumns(n);
      c.length = 0;
      decodeInto(data, c);
      if (this.chunks.appendChunk(seriesIds[i]!, data, c, newestOf)) continue;
      for (let k = 0; k < c.length; k++) {
        rest.seriesIds.push(seriesIds[i]!);
        rest.ts.push(c.ts[k]!);
        rest.values.push(c.values[k]!);
      }
    }
    if (rest.ts.length > 0) this.insertSamples(rest.seriesIds, rest.ts, rest.values);
  }

  /** One series' samples with their scores, as a capsule carries them. */
  insertScoredSamples(seriesId: number, ts: ArrayLike<number>, values: ArrayLike<number>, scores: ArrayLike<number | null>): void {
    this.chunks.write(seriesId, batchOf(Array.from({ length: ts.length }, (_, i) => i), ts, values, scores), 'overwrite');
  }

  /** Samples with `fromTs <= ts <= toTs`, with their scores (null where not scored). */
  range(seriesId: number, fromTs: number, toTs: number): SeriesPoints {
    const c = this.chunks.read(seriesId, fromTs, toTs);
    const out: SeriesPoints = { ts: new Array(c.length), values: new Array(c.length), scores: new Array(c.length) };
    for (let i = 0; i < c.length; i++) {
      out.ts[i] = c.ts[i]!;
      out.values[i] = c.values[i]!;
      const score = c.scores[i]!;
      out.scores[i] = Number.isNaN(score) ? null : score;
    }
    return out;
  }

  /** Scores for samples at `ts` (time order, as `range` hands them out). */
  setScores(seriesId: number, ts: ArrayLike<number>, scores: ArrayLike<number>): void {
    this.db.transaction(() => this.chunks.setScores(seriesId, ts, scores))();
  }

  sampleCount(): number {
    return this.chunks.count();
  }
}

/** Row positions of each series, in page order. */
function groupBySeries(seriesIds: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < seriesIds.length; i++) {
    const id = seriesIds[i]!;
    let rows = groups.get(id);
    if (!rows) groups.set(id, (rows = []));
    rows.push(i);
  }
  return groups;
}

/**
 * The given rows as a batch sorted by time; of two rows with the same timestamp the later
 * one wins, as when rows were written one after another. A null score becomes NaN.
 */
function batchOf(rows: number[], ts: ArrayLike<number>, values: ArrayLike<number>, scores: ArrayLike<number | null> | undefined): SampleColumns {
  let sorted = true;
  for (let k = 1; k < rows.length && sorted; k++) sorted = ts[rows[k]!]! > ts[rows[k - 1]!]!;
  // A stable sort keeps equal timestamps in arrival order, so the last of them is the newest.
  const order = sorted ? rows : [...rows].sort((a, b) => ts[a]! - ts[b]! || a - b);
  const out = sampleColumns(order.length);
  for (const row of order) {
    const t = ts[row]!;
    const w = out.length > 0 && out.ts[out.length - 1] === t ? out.length - 1 : out.length++;
    out.ts[w] = t;
    out.values[w] = values[row]!;
    out.scores[w] = scores?.[row] ?? NaN;
  }
  return out;
}

function toSeries(row: SeriesRow): CachedSeries {
  return { id: row.id, serverId: row.server_id, name: row.name, labels: JSON.parse(row.labels) as Record<string, string> };
}
