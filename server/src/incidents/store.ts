import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import { containsPattern, WhereClause } from '../db/where-clause.ts';
import type { Severity } from '../../../shared/api/alerts.ts';
import type { Incident, IncidentListQuery, IncidentStatus } from '../../../shared/api/incidents.ts';

type Row = Record<string, unknown>;

const COUNTS = `(SELECT count(*) FROM alerts a WHERE a.incident_id = incidents.id) AS alert_count,
  (SELECT count(*) FROM alerts a WHERE a.incident_id = incidents.id AND a.state = 'firing') AS firing_count,
  (SELECT count(*) FROM alerts a WHERE a.incident_id = incidents.id AND a.state = 'acknowledged') AS acknowledged_count`;

function toIncident(row: Row): Incident {
  return {
    id: row.id as number,
    title: row.title as string,
    severity: row.severity as Severity,
    status: row.status as IncidentStatus,
    commander: row.commander as string | null,
    groupKey: row.group_key as string,
    openedAt: row.opened_at as number,
    lastActivityAt: row.last_activity_at as number,
    mitigatedAt: row.mitigated_at as number | null,
    resolvedAt: row.resolved_at as number | null,
    mergedInto: row.merged_into as number | null,
    alertCount: row.alert_count as number,
    firingCount: row.firing_count as number,
    acknowledgedCount: row.acknowledged_count as number,
    updatedAt: row.updated_at as number,
  };
}

export type IncidentChanges = Partial<Pick<Incident, 'title' | 'severity' | 'status' | 'commander' | 'openedAt' | 'lastActivityAt' | 'mitigatedAt' | 'resolvedAt' | 'mergedInto'>>;

const COLUMNS: Record<keyof IncidentChanges, string> = {
  title: 'title',
  severity: 'severity',
  status: 'status',
  commander: 'commander',
  openedAt: 'opened_at',
  lastActivityAt: 'last_activity_at',
  mitigatedAt: 'mitigated_at',
  resolvedAt: 'resolved_at',
  mergedInto: 'merged_into',
};

const SEVERITY_ORDER = "CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END";

/** SQLite persistence of incidents; counts of their alerts are computed on read. */
export class IncidentStore {
  readonly #db: Db;
  readonly #joinable;
  readonly #byId;
  readonly #severity;
  readonly #hasUnresolved;
  /** One prepared UPDATE per set of changed columns (the ingest path uses a handful). */
  readonly #updates = new Map<string, Statement>();

  constructor(db: Db) {
    this.#db = db;
    this.#joinable = db.prepare(
      "SELECT id FROM incidents WHERE group_key = ? AND status = 'open' AND last_activity_at >= ? ORDER BY last_activity_at DESC LIMIT 1",
    );
    // One pass over the incident's range of the (incident_id, state) index for all three counts.
    this.#byId = db.prepare(
      `SELECT i.*, c.alert_count, c.firing_count, c.acknowledged_count FROM incidents i,
        (SELECT count(*) AS alert_count, coalesce(sum(state = 'firing'), 0) AS firing_count,
          coalesce(sum(state = 'acknowledged'), 0) AS acknowledged_count FROM alerts WHERE incident_id = @id) c
       WHERE i.id = @id`,
    );
    this.#severity = db.prepare('SELECT severity FROM incidents WHERE id = ?').pluck();
    this.#hasUnresolved = db.prepare("SELECT EXISTS (SELECT 1 FROM alerts WHERE incident_id = ? AND state IN ('firing', 'acknowledged'))").pluck();
  }

  create(input: { title: string; severity: Severity; groupKey: string; at: number }): number {
    return Number(
      this.#db
        .prepare("INSERT INTO incidents (title, severity, status, group_key, opened_at, last_activity_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?)")
        .run(input.title, input.severity, input.groupKey, input.at, input.at, input.at).lastInsertRowid,
    );
  }

  /** The open incident of this group with activity since `since`, if any. */
  joinable(groupKey: string, since: number): number | undefined {
    return (this.#joinable.get(groupKey, since) as { id: number } | undefined)?.id;
  }

  byId(id: number): Incident | undefined {
    const row = this.#byId.get({ id }) as Row | undefined;
    return row ? toIncident(row) : undefined;
  }

  /** The incident's severity alone (no counts): what raising it by an alert needs. */
  severityOf(id: number): Severity | undefined {
    return this.#severity.get(id) as Severity | undefined;
  }

  /** Whether an alert of the incident is still firing or acknowledged. */
  hasUnresolvedAlerts(id: number): boolean {
    return this.#hasUnresolved.get(id) === 1;
  }

  update(id: number, changes: IncidentChanges, now: number): void {
    const keys = (Object.keys(changes) as Array<keyof IncidentChanges>).sort();
    const cacheKey = keys.join(',');
    let statement = this.#updates.get(cacheKey);
    if (!statement) {
      const sets = keys.map((key) => `${COLUMNS[key]} = @${key}`);
      statement = this.#db.prepare(`UPDATE incidents SET ${[...sets, 'updated_at = @now'].join(', ')} WHERE id = @id`);
      this.#updates.set(cacheKey, statement);
    }
    statement.run({ ...changes, now, id });
  }

  /**
   * The palette's search: incidents whose number is `id`, whose title or group contains
   * `text`, or with an alert whose labels or annotations contain it; the exact number
   * first, then open ones, then the most recently active.
   */
  search(text: string, id: number | null, limit: number): Incident[] {
    const like = containsPattern(text);
    const rows = this.#db
      .prepare(
        `SELECT *, ${COUNTS} FROM incidents
         WHERE id = ? OR lower(title) LIKE ? ESCAPE '\\' OR lower(group_key) LIKE ? ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = incidents.id AND a.search_text LIKE ? ESCAPE '\\')
         ORDER BY id = ? DESC, status = 'resolved', last_activity_at DESC, id DESC LIMIT ?`,
      )
      .all(id ?? -1, like, like, like, id ?? -1, limit) as Row[];
    return rows.map(toIncident);
  }

  list(query: IncidentListQuery): { items: Incident[]; total: number } {
    const where = new WhereClause();
    if (query.status) where.inList('status', query.status);
    if (query.severity) where.inList('severity', query.severity);
    if (query.label) where.labelPairs(query.label, 'EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = incidents.id AND json_extract(a.labels, ?) = ?)');
    if (query.commander) where.add('commander = ?', query.commander);
    if (query.q) {
      const like = containsPattern(query.q);
      where.add("(lower(title) LIKE ? ESCAPE '\\' OR lower(group_key) LIKE ? ESCAPE '\\')", like, like);
    }
    if (query.to !== undefined) where.add('opened_at <= ?', query.to);
    if (query.from !== undefined) where.add('(resolved_at IS NULL OR resolved_at >= ?)', query.from);
    const clause = where.toSql();
    const args = where.args;
    const sortColumn = { openedAt: 'opened_at', lastActivityAt: 'last_activity_at', severity: SEVERITY_ORDER }[query.sort ?? 'openedAt'];
    const order = query.order === 'asc' ? 'ASC' : 'DESC';
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM incidents ${clause}`).get(...args) as { n: number }).n;
    const rows = this.#db
      .prepare(`SELECT *, ${COUNTS} FROM incidents ${clause} ORDER BY ${sortColumn} ${order}, id ${order} LIMIT ? OFFSET ?`)
      .all(...args, query.limit ?? 50, query.offset ?? 0) as Row[];
    return { items: rows.map(toIncident), total };
  }
}
