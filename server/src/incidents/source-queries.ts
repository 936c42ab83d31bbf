import type { Selectable } from 'kysely';
import type { IncidentSourceQuery } from '../../../shared/api/incidents.ts';
import type { IncidentSourceQueriesTable } from '../db/sql/schema.ts';
import { RunnerStore } from '../db/sql/runner-store.ts';

const toQuery = (row: Selectable<IncidentSourceQueriesTable>): IncidentSourceQuery => ({
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

/** The data-source (PromQL) queries on incidents' metrics panels (`incident_source_queries`, 038), on the shared query layer. */
export class SourceQueryStore extends RunnerStore {
  async of(incidentId: number): Promise<IncidentSourceQuery[]> {
    return (await this.runner.db.selectFrom('incident_source_queries').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute()).map(toQuery);
  }

  async count(incidentId: number): Promise<number> {
    const { n } = await this.runner.db.selectFrom('incident_source_queries').select((eb) => eb.fn.countAll<number>().as('n')).where('incident_id', '=', incidentId).executeTakeFirstOrThrow();
    return Number(n);
  }

  async byId(id: number): Promise<IncidentSourceQuery | undefined> {
    const row = await this.runner.db.selectFrom('incident_source_queries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toQuery(row);
  }

  async add(entry: NewSourceQuery): Promise<IncidentSourceQuery> {
    const row = await this.runner.db
      .insertInto('incident_source_queries')
      .values({ incident_id: entry.incidentId, datasource_id: entry.datasourceId, query: entry.query, title: entry.title, created_by: entry.createdBy, created_at: entry.createdAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toQuery(row);
  }

  async remove(id: number): Promise<void> {
    await this.runner.db.deleteFrom('incident_source_queries').where('id', '=', id).execute();
  }
}
