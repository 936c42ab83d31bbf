import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { containsPattern } from '../db/where-clause.ts';
import type { Severity } from '../../../shared/api/alerts.ts';
import type { Incident, IncidentListQuery, IncidentStatus } from '../../../shared/api/incidents.ts';
import { labelPairs, labelValue } from '../alerts/store.ts';
import type { SqlDialect } from '../db/sql/open.ts';
import type { IncidentsTable, SqlSchema } from '../db/sql/schema.ts';
import { statement } from '../db/sql/statement.ts';
import { RunnerStore } from '../db/sql/runner-store.ts';

/** An incident row, with its alert counts (kept in the row by triggers on alerts: migration 066). */
type Row = Selectable<IncidentsTable>;

function toIncident(row: Row): Incident {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity as Severity,
    status: row.status as IncidentStatus,
    commander: row.commander,
    groupKey: row.group_key,
    openedAt: row.opened_at,
    lastActivityAt: row.last_activity_at,
    mitigatedAt: row.mitigated_at,
    resolvedAt: row.resolved_at,
    mergedInto: row.merged_into,
    alertCount: Number(row.alert_count),
    firingCount: Number(row.firing_count),
    acknowledgedCount: Number(row.acknowledged_count),
    updatedAt: row.updated_at,
  };
}

export type IncidentChanges = Partial<Pick<Incident, 'title' | 'severity' | 'status' | 'commander' | 'openedAt' | 'lastActivityAt' | 'mitigatedAt' | 'resolvedAt' | 'mergedInto'>>;

const COLUMNS = {
  title: 'title',
  severity: 'severity',
  status: 'status',
  commander: 'commander',
  openedAt: 'opened_at',
  lastActivityAt: 'last_activity_at',
  mitigatedAt: 'mitigated_at',
  resolvedAt: 'resolved_at',
  mergedInto: 'merged_into',
} as const satisfies Record<keyof IncidentChanges, string>;

/** When a closed incident last moved: its last alert activity, or when it was resolved or mitigated (max() of SQLite is greatest() on PostgreSQL). */
function closedActivity(dialect: SqlDialect): RawBuilder<number> {
  const greatest = dialect === 'postgres' ? sql.raw('greatest') : sql.raw('max');
  return sql<number>`${greatest}(last_activity_at, coalesce(resolved_at, 0), coalesce(mitigated_at, 0))`;
}

/** The same for an incident read back. */
export function lastMovedAt(incident: Pick<Incident, 'lastActivityAt' | 'resolvedAt' | 'mitigatedAt'>): number {
  return Math.max(incident.lastActivityAt, incident.resolvedAt ?? 0, incident.mitigatedAt ?? 0);
}

const SEVERITY_ORDER = sql<number>`CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END`;

const insertIncident = statement(
  (db, title: string, severity: string, groupKey: string, openedAt: number, lastActivityAt: number, updatedAt: number) =>
    db.insertInto('incidents').values({ title, severity, status: 'open', group_key: groupKey, opened_at: openedAt, last_activity_at: lastActivityAt, updated_at: updatedAt }).returning('id'),
  ['', '', '', 0, 0, 0],
);
const joinable = statement(
  (db, groupKey: string, since: number) =>
    db.selectFrom('incidents').select('id').where('group_key', '=', groupKey).where('status', '=', 'open').where('last_activity_at', '>=', since).orderBy('last_activity_at', 'desc').limit(1),
  ['', 0],
);
// Closed means resolved or mitigated; merged incidents live on in the one they went into.
const reopenable = (dialect: SqlDialect) =>
  statement(
    (db, groupKey: string, since: number) =>
      db
        .selectFrom('incidents')
        .select('id')
        .where('group_key', '=', groupKey)
        .where('status', '!=', 'open')
        .where('merged_into', 'is', null)
        .where(closedActivity(dialect), '>=', since)
        .orderBy(closedActivity(dialect), 'desc')
        .orderBy('id', 'desc')
        .limit(1),
    ['', 0],
  );
const reopenableSqlite = reopenable('sqlite');
const reopenablePostgres = reopenable('postgres');
const byId = statement((db, id: number) => db.selectFrom('incidents').selectAll().where('id', '=', id), [0]);
const severityOf = statement((db, id: number) => db.selectFrom('incidents').select('severity').where('id', '=', id), [0]);
const groupKeyOf = statement((db, id: number) => db.selectFrom('incidents').select('group_key').where('id', '=', id), [0]);
const unresolvedAlert = statement(
  (db, id: number) => db.selectFrom('alerts').select(sql<number>`1`.as('one')).where('incident_id', '=', id).where('state', 'in', ['firing', 'acknowledged']).limit(1),
  [0],
);

/** Incidents, many at once (the ones a batch touched), in one statement. */
const many = (dialect: SqlDialect) =>
  statement(
    (db, ids: string | number[]) => ({
      compile: () => sql<Row>`SELECT * FROM incidents WHERE id ${dialect === 'postgres' ? sql`= ANY(${ids}::bigint[])` : sql`IN (SELECT value FROM json_each(${ids}))`}`.compile(db),
    }),
    [[]] as [string | number[]],
  );
const manySqlite = many('sqlite');
const manyPostgres = many('postgres');
/** Marks incidents active, each at its own time: one statement for a batch's incidents. */
const touchMany = (dialect: SqlDialect) =>
  statement(
    (db, touches: string | number[][]) => ({
      compile: () =>
        (dialect === 'postgres'
          ? sql`UPDATE incidents AS i SET last_activity_at = t.at, updated_at = t.at FROM (SELECT (v->>0)::bigint AS id, (v->>1)::bigint AS at FROM jsonb_array_elements(${touches}::jsonb) AS v) t WHERE i.id = t.id`
          : sql`UPDATE incidents SET last_activity_at = t.value ->> 1, updated_at = t.value ->> 1 FROM json_each(${touches}) AS t WHERE incidents.id = t.value ->> 0`
        ).compile(db),
    }),
    [''] as [string | number[][]],
  );
const touchManySqlite = touchMany('sqlite');
const touchManyPostgres = touchMany('postgres');

type UpdateStatement = ReturnType<typeof updateStatement>;
/** The UPDATE of one set of changed columns (the ingest path uses a handful), compiled once. */
function updateStatement(keys: ReadonlyArray<keyof IncidentChanges>) {
  return statement(
    (db, ...values: unknown[]) =>
      db
        .updateTable('incidents')
        .set(Object.fromEntries([...keys.map((key, i) => [COLUMNS[key], values[i]]), ['updated_at', values[keys.length]]]))
        .where('id', '=', values[keys.length + 1] as number),
    [...keys.map(() => 0 as unknown), 0, 0],
  );
}
const updates = new Map<string, UpdateStatement>();

/** Incidents on the shared query layer; counts of their alerts are columns kept by triggers (migration 066). `in(unit)`: bound to a transaction. */
export class IncidentStore extends RunnerStore {
  async create(input: { title: string; severity: Severity; groupKey: string; at: number }): Promise<number> {
    const row = await insertIncident.first(this.runner, input.title, input.severity, input.groupKey, input.at, input.at, input.at);
    return Number(row!.id);
  }

  /** The open incident of this group with activity since `since`, if any. */
  async joinable(groupKey: string, since: number): Promise<number | undefined> {
    return (await joinable.first(this.runner, groupKey, since))?.id;
  }

  /** The most recently closed (resolved or mitigated) incident of this group active since `since`, if any. */
  async reopenable(groupKey: string, since: number): Promise<number | undefined> {
    const query = this.runner.dialect === 'postgres' ? reopenablePostgres : reopenableSqlite;
    return (await query.first(this.runner, groupKey, since))?.id;
  }

  async byId(id: number): Promise<Incident | undefined> {
    const row = await byId.first(this.runner, id);
    return row ? toIncident(row) : undefined;
  }

  /** These incidents, in one statement (a batch's touched incidents). */
  async manyById(ids: readonly number[]): Promise<Map<number, Incident>> {
    const found = new Map<number, Incident>();
    if (ids.length === 0) return found;
    // One incident (a unit of one alert): the plain lookup, without building a list to join.
    if (ids.length === 1) {
      const incident = await this.byId(ids[0]!);
      if (incident) found.set(incident.id, incident);
      return found;
    }
    const rows = this.runner.dialect === 'postgres' ? await manyPostgres.all(this.runner, [...ids]) : await manySqlite.all(this.runner, JSON.stringify(ids));
    for (const row of rows) found.set(Number(row.id), toIncident(row));
    return found;
  }

  /** Marks each incident active at its time (`lastActivityAt` and `updatedAt`), in one statement. */
  async touchMany(touches: ReadonlyArray<readonly [id: number, at: number]>): Promise<void> {
    if (touches.length === 0) return;
    if (touches.length === 1) return this.update(touches[0]![0], { lastActivityAt: touches[0]![1] }, touches[0]![1]);
    await (this.runner.dialect === 'postgres' ? touchManyPostgres : touchManySqlite).run(this.runner, JSON.stringify(touches));
  }

  /** The incident's severity alone (no counts): what raising it by an alert needs. */
  async severityOf(id: number): Promise<Severity | undefined> {
    return (await severityOf.first(this.runner, id))?.severity as Severity | undefined;
  }

  /** The incident's group key alone. */
  async groupKeyOf(id: number): Promise<string | undefined> {
    return (await groupKeyOf.first(this.runner, id))?.group_key;
  }

  /** Whether an alert of the incident is still firing or acknowledged. */
  async hasUnresolvedAlerts(id: number): Promise<boolean> {
    return (await unresolvedAlert.first(this.runner, id)) !== undefined;
  }

  async update(id: number, changes: IncidentChanges, now: number): Promise<void> {
    const keys = (Object.keys(changes) as Array<keyof IncidentChanges>).sort();
    const cacheKey = keys.join(',');
    let update = updates.get(cacheKey);
    if (!update) updates.set(cacheKey, (update = updateStatement(keys)));
    await update.run(this.runner, ...keys.map((key) => changes[key]), now, id);
  }

  /**
   * The palette's search: incidents whose number is `id`, whose title or group contains
   * `text`, or with an alert whose labels or annotations contain it; the exact number
   * first, then open ones, then the most recently active.
   */
  async search(text: string, id: number | null, limit: number): Promise<Incident[]> {
    const like = containsPattern(text);
    const rows = await this.runner.db
      .selectFrom('incidents')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('id', '=', id ?? -1),
          sql<SqlBool>`lower(title) LIKE ${like} ESCAPE '\\'`,
          sql<SqlBool>`lower(group_key) LIKE ${like} ESCAPE '\\'`,
          sql<SqlBool>`EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = incidents.id AND a.search_text LIKE ${like} ESCAPE '\\')`,
        ]),
      )
      .orderBy(sql`id = ${id ?? -1}`, 'desc')
      .orderBy(sql`status = 'resolved'`)
      .orderBy('last_activity_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toIncident);
  }

  async list(query: IncidentListQuery): Promise<{ items: Incident[]; total: number }> {
    const dialect = this.runner.dialect;
    const filtered = this.runner.db.selectFrom('incidents').where((eb: ExpressionBuilder<SqlSchema, 'incidents'>) => {
      const conditions: Expression<SqlBool>[] = [];
      if (query.status) conditions.push(eb('status', 'in', query.status.split(',')));
      if (query.severity) conditions.push(eb('severity', 'in', query.severity.split(',')));
      if (query.label) {
        for (const [name, value] of labelPairs(query.label)) {
          conditions.push(sql<SqlBool>`EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = incidents.id AND ${labelValue(dialect, 'a.labels', name)} = ${value})`);
        }
      }
      if (query.commander) conditions.push(eb('commander', '=', query.commander));
      if (query.unassigned) conditions.push(eb('commander', 'is', null));
      if (query.q) {
        const like = containsPattern(query.q);
        conditions.push(sql<SqlBool>`(lower(title) LIKE ${like} ESCAPE '\\' OR lower(group_key) LIKE ${like} ESCAPE '\\')`);
      }
      if (query.to !== undefined) conditions.push(eb('opened_at', '<=', query.to));
      if (query.from !== undefined) conditions.push(eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', query.from)]));
      return eb.and(conditions);
    });
    const order = query.order === 'asc' ? 'asc' : 'desc';
    const sort = query.sort ?? 'openedAt';
    const sortBy = sort === 'severity' ? SEVERITY_ORDER : sql.ref({ openedAt: 'opened_at', lastActivityAt: 'last_activity_at' }[sort]);
    const { n } = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await filtered
      .selectAll()
      .orderBy(sortBy, order)
      .orderBy('id', order)
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
    return { items: rows.map(toIncident), total: Number(n) };
  }
}
