import type { Db } from '../../db/database.ts';

export interface WatchRow {
  id: number;
  name: string;
  datasourceId: number;
  query: string;
  stepSeconds: number;
  createdBy: string;
  createdAt: number;
  lastTs: number | null;
  lastError: string | null;
}

export interface ScoreRow {
  seriesKey: string;
  ts: number;
  value: number;
  score: number;
  anomaly: boolean;
}

type Row = Record<string, unknown>;

function toWatch(row: Row): WatchRow {
  return {
    id: row.id as number,
    name: row.name as string,
    datasourceId: row.datasource_id as number,
    query: row.query as string,
    stepSeconds: row.step_seconds as number,
    createdBy: row.created_by as string,
    createdAt: row.created_at as number,
    lastTs: row.last_ts as number | null,
    lastError: row.last_error as string | null,
  };
}

/** Watch definitions and the scores of their series. */
export class WatchStore {
  readonly #db: Db;
  readonly #insertScore;
  readonly #progress;

  constructor(db: Db) {
    this.#db = db;
    this.#insertScore = db.prepare('INSERT OR IGNORE INTO anomaly_watch_scores (watch_id, series_key, ts, value, score, anomaly) VALUES (?, ?, ?, ?, ?, ?)');
    this.#progress = db.prepare('UPDATE anomaly_watches SET last_ts = max(coalesce(last_ts, 0), ?), last_error = ? WHERE id = ?');
  }

  list(): WatchRow[] {
    return (this.#db.prepare('SELECT * FROM anomaly_watches ORDER BY name').all() as Row[]).map(toWatch);
  }

  byId(id: number): WatchRow | undefined {
    const row = this.#db.prepare('SELECT * FROM anomaly_watches WHERE id = ?').get(id) as Row | undefined;
    return row ? toWatch(row) : undefined;
  }

  byName(name: string): WatchRow | undefined {
    const row = this.#db.prepare('SELECT * FROM anomaly_watches WHERE name = ?').get(name) as Row | undefined;
    return row ? toWatch(row) : undefined;
  }

  create(input: Pick<WatchRow, 'name' | 'datasourceId' | 'query' | 'stepSeconds'>, by: string, now: number): WatchRow {
    const id = Number(
      this.#db
        .prepare('INSERT INTO anomaly_watches (name, datasource_id, query, step_seconds, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.name, input.datasourceId, input.query, input.stepSeconds, by, now).lastInsertRowid,
    );
    return this.byId(id)!;
  }

  remove(id: number): boolean {
    return this.#db.prepare('DELETE FROM anomaly_watches WHERE id = ?').run(id).changes > 0;
  }

  /** Scores of one pull and the watch's progress, in one transaction. */
  record(watchId: number, scores: readonly ScoreRow[], lastTs: number | null, error: string | null): void {
    this.#db.transaction(() => {
      for (const s of scores) this.#insertScore.run(watchId, s.seriesKey, s.ts, s.value, s.score, s.anomaly ? 1 : 0);
      this.#progress.run(lastTs ?? 0, error, watchId);
    })();
  }

  scores(watchId: number, options: { series?: string | undefined; from: number; to: number }): Map<string, ScoreRow[]> {
    const rows = (
      options.series === undefined
        ? this.#db.prepare('SELECT * FROM anomaly_watch_scores WHERE watch_id = ? AND ts BETWEEN ? AND ? ORDER BY series_key, ts').all(watchId, options.from, options.to)
        : this.#db.prepare('SELECT * FROM anomaly_watch_scores WHERE watch_id = ? AND series_key = ? AND ts BETWEEN ? AND ? ORDER BY ts').all(watchId, options.series, options.from, options.to)
    ) as Row[];
    const bySeries = new Map<string, ScoreRow[]>();
    for (const row of rows) {
      const key = row.series_key as string;
      let list = bySeries.get(key);
      if (!list) bySeries.set(key, (list = []));
      list.push({ seriesKey: key, ts: row.ts as number, value: row.value as number, score: row.score as number, anomaly: row.anomaly === 1 });
    }
    return bySeries;
  }

  /** Drops scores older than the cut-off (they are kept for a bounded time, like raw samples). */
  prune(before: number): void {
    this.#db.prepare('DELETE FROM anomaly_watch_scores WHERE ts < ?').run(before);
  }
}
