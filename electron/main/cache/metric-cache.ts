import type { Statement } from 'better-sqlite3';
import type { CacheDb } from './cache-database.ts';
import { canonicalLabels } from './series-key.ts';

export interface CachedSeries {
  id: number;
  serverId: number | null;
  name: string;
  labels: Record<string, string>;
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

/** Series and samples of the cache. Callers own transactions (a sync page commits as one). */
export class MetricCache {
  readonly db: CacheDb;
  readonly #byServerId = new Map<number, number>();
  readonly #upsertSeries: Statement;
  readonly #findSeries: Statement;
  readonly #insertSample: Statement;
  readonly #insertScored: Statement;
  readonly #range: Statement;
  readonly #setScore: Statement;

  constructor(db: CacheDb) {
    this.db = db;
    this.#upsertSeries = db.prepare(
      `INSERT INTO series (server_id, name, labels) VALUES (?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET server_id = coalesce(excluded.server_id, series.server_id)
       RETURNING id`,
    );
    this.#findSeries = db.prepare('SELECT id, server_id, name, labels FROM series WHERE name = ? AND labels = ?');
    // A re-delivered sample overwrites; its score survives only if the value is unchanged.
    this.#insertSample = db.prepare(
      `INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)
       ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value,
         score = CASE WHEN samples.value = excluded.value THEN samples.score ELSE NULL END`,
    );
    this.#insertScored = db.prepare(
      'INSERT INTO samples (series_id, ts, value, score) VALUES (?, ?, ?, ?) ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value, score = excluded.score',
    );
    this.#range = db.prepare('SELECT ts, value, score FROM samples WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts').raw();
    this.#setScore = db.prepare('UPDATE samples SET score = ? WHERE series_id = ? AND ts = ?');
    for (const row of db.prepare('SELECT id, server_id FROM series WHERE server_id IS NOT NULL').all() as { id: number; server_id: number }[]) {
      this.#byServerId.set(row.server_id, row.id);
    }
  }

  /** Returns the local id of each definition, creating series as needed. */
  upsertSeries(definitions: readonly SeriesDefinition[]): number[] {
    return definitions.map((definition) => {
      const { id } = this.#upsertSeries.get(definition.serverId, definition.name, canonicalLabels(definition.labels)) as { id: number };
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

  /** Columnar insert of samples for local series ids. */
  insertSamples(seriesIds: ArrayLike<number>, ts: ArrayLike<number>, values: ArrayLike<number>): void {
    for (let i = 0; i < ts.length; i++) this.#insertSample.run(seriesIds[i], ts[i], values[i]);
  }

  /** One series' samples with their scores, as a capsule carries them. */
  insertScoredSamples(seriesId: number, ts: ArrayLike<number>, values: ArrayLike<number>, scores: ArrayLike<number | null>): void {
    for (let i = 0; i < ts.length; i++) this.#insertScored.run(seriesId, ts[i], values[i], scores[i]);
  }

  range(seriesId: number, fromTs: number, toTs: number): SeriesPoints {
    const rows = this.#range.all(seriesId, fromTs, toTs) as [number, number, number | null][];
    const out: SeriesPoints = { ts: new Array(rows.length), values: new Array(rows.length), scores: new Array(rows.length) };
    rows.forEach(([t, v, s], i) => {
      out.ts[i] = t;
      out.values[i] = v;
      out.scores[i] = s;
    });
    return out;
  }

  setScores(seriesId: number, ts: ArrayLike<number>, scores: ArrayLike<number>): void {
    this.db.transaction(() => {
      for (let i = 0; i < ts.length; i++) this.#setScore.run(scores[i], seriesId, ts[i]);
    })();
  }

  sampleCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  }
}

function toSeries(row: SeriesRow): CachedSeries {
  return { id: row.id, serverId: row.server_id, name: row.name, labels: JSON.parse(row.labels) as Record<string, string> };
}
