import type { PromMatrix, PromResponse } from '../../../shared/api/datasources.ts';
import type { CacheDb } from './cache-database.ts';

export interface SourceRange {
  incidentId: number;
  datasourceId: number;
  query: string;
  /** The window asked for (epoch ms, inclusive). */
  fromTs: number;
  toTs: number;
  /** The proxy's answer, in Prometheus's JSON shape. */
  answer: PromResponse<PromMatrix>;
  fetchedAt: number;
}

interface Row {
  incident_id: number;
  datasource_id: number;
  query: string;
  from_ts: number;
  to_ts: number;
  body: string;
  fetched_at: number;
}

const toRange = (row: Row): SourceRange => ({
  incidentId: row.incident_id,
  datasourceId: row.datasource_id,
  query: row.query,
  fromTs: row.from_ts,
  toTs: row.to_ts,
  answer: JSON.parse(row.body) as PromResponse<PromMatrix>,
  fetchedAt: row.fetched_at,
});

/** Data-source query answers kept offline with an incident (cache table `source_ranges`). */
export class SourceRangeCache {
  readonly #db: CacheDb;

  constructor(db: CacheDb) {
    this.#db = db;
  }

  /** Replaces what an incident keeps: queries removed from its panel since go too. */
  replaceFor(incidentId: number, ranges: readonly SourceRange[]): void {
    this.#db.transaction(() => {
      this.removeFor(incidentId);
      const insert = this.#db.prepare('INSERT OR REPLACE INTO source_ranges (incident_id, datasource_id, query, from_ts, to_ts, body, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const range of ranges) insert.run(incidentId, range.datasourceId, range.query, range.fromTs, range.toTs, JSON.stringify(range.answer), range.fetchedAt);
    })();
  }

  removeFor(incidentId: number): void {
    this.#db.prepare('DELETE FROM source_ranges WHERE incident_id = ?').run(incidentId);
  }

  clear(): void {
    this.#db.prepare('DELETE FROM source_ranges').run();
  }

  of(incidentId: number): SourceRange[] {
    return (this.#db.prepare('SELECT * FROM source_ranges WHERE incident_id = ? ORDER BY datasource_id, query').all(incidentId) as Row[]).map(toRange);
  }

  /**
   * The kept answer of a query that covers most of [fromTs, toTs], clipped to it; undefined
   * when nothing kept overlaps. Any incident's copy will do: the query is the same.
   */
  find(datasourceId: number, query: string, fromTs: number, toTs: number): SourceRange | undefined {
    const rows = this.#db
      .prepare('SELECT * FROM source_ranges WHERE datasource_id = ? AND query = ? AND from_ts <= ? AND to_ts >= ?')
      .all(datasourceId, query, toTs, fromTs) as Row[];
    const overlap = (row: Row) => Math.min(row.to_ts, toTs) - Math.max(row.from_ts, fromTs);
    const best = rows.sort((a, b) => overlap(b) - overlap(a) || b.fetched_at - a.fetched_at)[0];
    if (!best) return undefined;
    const range = toRange(best);
    const [from, to] = [fromTs / 1000, toTs / 1000];
    const inside = ([seconds]: readonly [number, unknown]) => seconds >= from && seconds <= to;
    // A series holds float samples, native histogram samples, or both: each kind is clipped.
    const result = range.answer.data.result.map((series) => ({
      ...series,
      ...(series.values ? { values: series.values.filter(inside) } : {}),
      ...(series.histograms ? { histograms: series.histograms.filter(inside) } : {}),
    }));
    return { ...range, answer: { ...range.answer, data: { ...range.answer.data, result } } };
  }
}
