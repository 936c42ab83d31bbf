import type { Db } from '../db/database.ts';
import type { IncidentSourceQuery } from '../../../shared/api/incidents.ts';

type Row = { id: number; incident_id: number; datasource_id: number; query: string; title: string | null; created_by: string; created_at: number };

const toQuery = (row: Row): IncidentSourceQuery => ({
  id: row.id,
  incidentId: row.incident_id,
  datasourceId: row.datasource_id,
  query: row.query,
  title: row.title,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export interface NewSourceQuery {
  incidentId: number;
  datasourceId: number;
  query: string;
  title: string | null;
  createdBy: string;
  createdAt: number;
}

/** The data-source (PromQL) queries on incidents' metrics panels (`incident_source_queries`, 038). */
export class SourceQueryStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  of(incidentId: number): IncidentSourceQuery[] {
    return (this.#db.prepare('SELECT * FROM incident_source_queries WHERE incident_id = ? ORDER BY id').all(incidentId) as Row[]).map(toQuery);
  }

  count(incidentId: number): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM incident_source_queries WHERE incident_id = ?').get(incidentId) as { n: number }).n;
  }

  byId(id: number): IncidentSourceQuery | undefined {
    const row = this.#db.prepare('SELECT * FROM incident_source_queries WHERE id = ?').get(id) as Row | undefined;
    return row && toQuery(row);
  }

  add(entry: NewSourceQuery): IncidentSourceQuery {
    const { lastInsertRowid } = this.#db
      .prepare('INSERT INTO incident_source_queries (incident_id, datasource_id, query, title, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.incidentId, entry.datasourceId, entry.query, entry.title, entry.createdBy, entry.createdAt);
    return this.byId(Number(lastInsertRowid))!;
  }

  remove(id: number): void {
    this.#db.prepare('DELETE FROM incident_source_queries WHERE id = ?').run(id);
  }
}
