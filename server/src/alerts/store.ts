import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import { containsPattern } from '../db/where-clause.ts';
import type { Alert, AlertHistoryEntry, AlertListQuery, AlertSource, AlertState, Labels, Severity } from '../../../shared/api/alerts.ts';
import type { Actor } from '../core/actor.ts';
import type { SqlDialect } from '../db/sql/open.ts';
import type { AlertHistoryTable, AlertsTable, SqlSchema } from '../db/sql/schema.ts';
import { statement } from '../db/sql/statement.ts';
import { RunnerStore } from '../db/sql/runner-store.ts';
import { UnitOfWork, WRITE_STAGE } from '../core/unit-of-work.ts';
import { columnList, unnestRows } from '../db/sql/unnest.ts';

type Row = Selectable<AlertsTable>;

function toAlert(row: Row): Alert {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    source: row.source as AlertSource,
    state: row.state as AlertState,
    severity: row.severity as Severity,
    labels: JSON.parse(row.labels) as Labels,
    annotations: JSON.parse(row.annotations) as Labels,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    lastSeenAt: row.last_seen_at,
    updatedAt: row.updated_at,
    occurrences: row.occurrences,
    silenced: row.silenced_by !== '[]',
    silencedBy: JSON.parse(row.silenced_by) as number[],
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    ackComment: row.ack_comment,
    incidentId: row.incident_id,
    generatorUrl: row.generator_url,
  };
}

const toStored = (row: Row): StoredAlert => ({ ...toAlert(row), expiresAt: row.expires_at });

function toHistory(row: Selectable<AlertHistoryTable>): AlertHistoryEntry {
  return {
    id: row.id,
    alertId: row.alert_id,
    ts: row.ts,
    fromState: row.from_state as AlertState | null,
    toState: row.to_state as AlertState,
    actor: row.actor,
    actorKind: row.actor_kind as AlertHistoryEntry['actorKind'],
    comment: row.comment,
  };
}

/**
 * `name=value` lines of the labels, then the annotations, lower-cased: what the list's text
 * search matches. Joined in a loop (the same text as mapping the entries and joining them,
 * pinned in core.test.ts) without the arrays those build for every alert written.
 */
export function searchTextOf(labels: Labels, annotations: Labels): string {
  let text = '';
  for (const name of Object.keys(labels)) text += `${text === '' ? '' : '\n'}${name}=${labels[name]}`;
  for (const name of Object.keys(annotations)) text += `${text === '' ? '' : '\n'}${name}=${annotations[name]}`;
  return text.toLowerCase();
}

/** What a stored alert looks like before it has an id. */
export type NewAlert = Omit<Alert, 'id' | 'silenced' | 'updatedAt'> & { expiresAt: number | null };
export type StoredAlert = Alert & { expiresAt: number | null };

/** The value of label `name` in a JSON text column: json_extract on SQLite, ->> on PostgreSQL. */
export function labelValue(dialect: SqlDialect, column: string, name: string): Expression<string> {
  return dialect === 'postgres' ? sql<string>`(${sql.ref(column)}::jsonb ->> ${name})` : sql<string>`json_extract(${sql.ref(column)}, ${`$.${name}`})`;
}

/** `name=value,…` of the list queries as pairs (schemas guarantee plain label names). */
export function labelPairs(csv: string): Array<[string, string]> {
  return csv.split(',').map((pair) => {
    const eq = pair.indexOf('=');
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

/** Ids per statement of a read by ids (under every dialect's limit of parameters). */
const ID_SLICE = 500;

const SEVERITY_ORDER = sql<number>`CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END`;

// The ingest path's statements, compiled once per dialect (see statement.ts).
const byFingerprintsSqlite = statement((db, fps: string) => db.selectFrom('alerts').selectAll().where(sql<SqlBool>`fingerprint IN (SELECT value FROM json_each(${fps}))`), ['[]']);
const byFingerprintsPostgres = statement((db, fps: string[]) => db.selectFrom('alerts').selectAll().where(sql<SqlBool>`fingerprint = ANY(${fps}::text[])`), [[] as string[]]);
const byId = statement((db, id: number) => db.selectFrom('alerts').selectAll().where('id', '=', id), [0]);
type AlertValues = [string, string, string, string, string, string, string, number, number | null, number | null, number, number, number, string, string | null, number | null, string | null, number | null, string | null];
const SAMPLE: AlertValues = ['', '', '', '', '', '', '', 0, null, null, 0, 0, 0, '', null, null, null, null, null];
const updateAlert = statement(
  (db, ...v: [...AlertValues, number]) =>
    db
      .updateTable('alerts')
      .set({
        fingerprint: v[0], source: v[1], state: v[2], severity: v[3], labels: v[4], annotations: v[5], search_text: v[6], starts_at: v[7], ends_at: v[8], expires_at: v[9],
        last_seen_at: v[10], updated_at: v[11], occurrences: v[12], silenced_by: v[13], acknowledged_by: v[14], acknowledged_at: v[15], ack_comment: v[16], incident_id: v[17], generator_url: v[18],
      })
      .where('id', '=', v[19]),
  [...SAMPLE, 0],
);
const insertAlert = statement(
  (db, ...v: AlertValues) =>
    db
      .insertInto('alerts')
      .values({
        fingerprint: v[0], source: v[1], state: v[2], severity: v[3], labels: v[4], annotations: v[5], search_text: v[6], starts_at: v[7], ends_at: v[8], expires_at: v[9],
        last_seen_at: v[10], updated_at: v[11], occurrences: v[12], silenced_by: v[13], acknowledged_by: v[14], acknowledged_at: v[15], ack_comment: v[16], incident_id: v[17], generator_url: v[18],
      })
      .returning('id'),
  SAMPLE,
);
const insertAlertWithId = statement(
  (db, id: number, ...v: AlertValues) =>
    db.insertInto('alerts').values({
      id, fingerprint: v[0], source: v[1], state: v[2], severity: v[3], labels: v[4], annotations: v[5], search_text: v[6], starts_at: v[7], ends_at: v[8], expires_at: v[9],
      last_seen_at: v[10], updated_at: v[11], occurrences: v[12], silenced_by: v[13], acknowledged_by: v[14], acknowledged_at: v[15], ack_comment: v[16], incident_id: v[17], generator_url: v[18],
    }),
  [0, ...SAMPLE],
);
const maxId = statement((db) => db.selectFrom('alerts').select(sql<number | null>`max(id)`.as('id')), []);
/** PostgreSQL: the columns of a held write, one array each, zipped back into rows by unnest (one statement for the batch). */
const PG_COLUMNS = [
  ['fingerprint', 'text'], ['source', 'text'], ['state', 'text'], ['severity', 'text'], ['labels', 'text'], ['annotations', 'text'], ['search_text', 'text'], ['starts_at', 'bigint'], ['ends_at', 'bigint'], ['expires_at', 'bigint'],
  ['last_seen_at', 'bigint'], ['updated_at', 'bigint'], ['occurrences', 'integer'], ['silenced_by', 'text'], ['acknowledged_by', 'text'], ['acknowledged_at', 'bigint'], ['ack_comment', 'text'], ['incident_id', 'bigint'], ['generator_url', 'text'],
] as const;
const HISTORY_COLUMNS = [['alert_id', 'bigint'], ['ts', 'bigint'], ['from_state', 'text'], ['to_state', 'text'], ['actor', 'text'], ['actor_kind', 'text'], ['comment', 'text']] as const;

/** What an ingest unit holds back to write at once: new alert rows and changed ones by id (the last state wins), history rows in order. */
interface HeldAlertWrites {
  inserts: Map<number, AlertValues>;
  updates: Map<number, AlertValues>;
  history: Array<[number, number, string | null, string, string, string, string | null]>;
  /** SQLite: the last id handed out (ids are max(id) + 1, … within the unit, which holds the only write lock). */
  lastId: number | null;
  /** PostgreSQL: ids reserved from the table's sequence and not used yet. */
  reserved: number[];
}

const moveToIncident = statement((db, incidentId: number, id: number) => db.updateTable('alerts').set({ incident_id: incidentId }).where('id', '=', id), [0, 0]);
const insertHistory = statement(
  (db, alertId: number, ts: number, from: string | null, to: string, actor: string, kind: string, comment: string | null) =>
    db.insertInto('alert_history').values({ alert_id: alertId, ts, from_state: from, to_state: to, actor, actor_kind: kind, comment }),
  [0, 0, null, '', '', '', null],
);
const historyOf = statement((db, alertId: number) => db.selectFrom('alert_history').selectAll().where('alert_id', '=', alertId).orderBy('id'), [0]);
// The sweep reads these every few seconds.
const active = statement((db) => db.selectFrom('alerts').selectAll().where('state', '!=', 'resolved'), []);
const expired = statement((db, now: number) => db.selectFrom('alerts').selectAll().where('state', '!=', 'resolved').where('expires_at', 'is not', null).where('expires_at', '<=', now), [0]);
const ofIncident = statement((db, incidentId: number) => db.selectFrom('alerts').selectAll().where('incident_id', '=', incidentId).orderBy('starts_at').orderBy('id'), [0]);
// The unresolved first, then by start: what an incident's detail shows when it cannot show all.
const firstOfIncident = statement(
  (db, incidentId: number, limit: number) =>
    db.selectFrom('alerts').selectAll().where('incident_id', '=', incidentId).orderBy(sql`CASE WHEN state = 'resolved' THEN 1 ELSE 0 END`).orderBy('starts_at').orderBy('id').limit(limit),
  [0, 1],
);

/**
 * Alerts and their state history on the shared query layer (SQLite or PostgreSQL); no
 * business rules here. `in(unit)` gives the store bound to a unit of work's transaction.
 */
export class AlertStore extends RunnerStore {
  /**
   * The alerts with these fingerprints, one query for a batch: a fingerprint missing from
   * the map has no alert (yet).
   */
  async byFingerprints(fingerprints: readonly string[]): Promise<Map<string, StoredAlert>> {
    const found = new Map<string, StoredAlert>();
    if (fingerprints.length === 0) return found;
    const rows = this.runner.dialect === 'postgres' ? await byFingerprintsPostgres.all(this.runner, [...fingerprints]) : await byFingerprintsSqlite.all(this.runner, JSON.stringify(fingerprints));
    for (const row of rows) found.set(row.fingerprint, toStored(row));
    return found;
  }

  async byId(id: number): Promise<StoredAlert | undefined> {
    const row = await byId.first(this.runner, id);
    return row && toStored(row);
  }

  /** The alerts of these ids (the stream's replay of its alert markers); an id missing from the map has no alert. */
  async byIds(ids: readonly number[]): Promise<Map<number, Alert>> {
    const found = new Map<number, Alert>();
    // In slices: a replay may name thousands, more than a statement takes parameters.
    for (let at = 0; at < ids.length; at += ID_SLICE) {
      const rows = await this.runner.db.selectFrom('alerts').selectAll().where('id', 'in', ids.slice(at, at + ID_SLICE)).execute();
      for (const row of rows) found.set(row.id, toAlert(row));
    }
    return found;
  }

  async save(alert: StoredAlert, now: number): Promise<Alert> {
    await updateAlert.run(this.runner, ...this.#values(alert, now), alert.id);
    const { expiresAt: _expiresAt, ...rest } = alert;
    return { ...rest, updatedAt: now, silenced: alert.silencedBy.length > 0 };
  }

  async recordTransition(alertId: number, ts: number, from: AlertState | null, to: AlertState, actor: Actor, comment: string | null): Promise<void> {
    if (this.runner instanceof UnitOfWork) {
      this.#held(this.runner).history.push([alertId, ts, from, to, actor.name, actor.kind, comment]);
      return;
    }
    await insertHistory.run(this.runner, alertId, ts, from, to, actor.name, actor.kind, comment);
  }

  /**
   * Within a unit: reserves ids for `count` new alerts in one query (PostgreSQL: from the
   * table's sequence; SQLite: the unit counts on from max(id)), so that a new alert has its
   * id before its row is written with the batch's (`hold`).
   */
  async reserveIds(unit: UnitOfWork, count: number): Promise<void> {
    if (count <= 0) return;
    const held = this.#held(unit);
    if (unit.dialect === 'postgres') {
      const { rows } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('alerts', 'id')) AS id FROM generate_series(1, ${count})`.execute(unit.db);
      held.reserved.push(...rows.map((row) => Number(row.id)).sort((a, b) => a - b));
    } else if (held.lastId === null) {
      held.lastId = Number((await maxId.first(unit))?.id ?? 0);
    }
  }

  /**
   * Within a unit: the alert is written at the unit's next flush (with the batch's other
   * alerts: on PostgreSQL one statement, not one per alert), under an id it gets now. A
   * later `hold` of the same alert in the unit replaces what is written.
   */
  async hold(alert: NewAlert & { id?: number }, now: number): Promise<Alert> {
    const unit = this.runner as UnitOfWork;
    const held = this.#held(unit);
    let id = alert.id;
    if (id === undefined && unit.dialect === 'postgres' && held.reserved.length === 0) {
      // None reserved (a unit of one new alert): written now, its id returned, in the one
      // round trip reserving would have cost; later holds of it are updates.
      id = Number((await insertAlert.first(unit, ...this.#values(alert, now)))!.id);
    } else if (id === undefined) {
      if (unit.dialect === 'sqlite') await this.reserveIds(unit, 1);
      id = unit.dialect === 'postgres' ? held.reserved.shift()! : ++held.lastId!;
      held.inserts.set(id, this.#values(alert, now));
    } else if (held.inserts.has(id)) {
      held.inserts.set(id, this.#values(alert, now));
    } else {
      held.updates.set(id, this.#values(alert, now));
    }
    const { expiresAt: _expiresAt, ...rest } = alert as NewAlert & { id: number };
    return { ...rest, id, updatedAt: now, silenced: alert.silencedBy.length > 0 };
  }

  #held(unit: UnitOfWork): HeldAlertWrites {
    return unit.scratch('alerts.held', () => {
      const held: HeldAlertWrites = { inserts: new Map(), updates: new Map(), history: [], lastId: null, reserved: [] };
      unit.holdWrites('alerts', WRITE_STAGE.alerts, () => this.#writeAlerts(unit, held));
      unit.holdWrites('alert_history', WRITE_STAGE.referencing, () => this.#writeHistory(unit, held));
      return held;
    });
  }

  async #writeAlerts(unit: UnitOfWork, held: HeldAlertWrites): Promise<void> {
    const inserts = [...held.inserts];
    const updates = [...held.updates];
    held.inserts.clear();
    held.updates.clear();
    if (unit.dialect === 'sqlite') {
      // A prepared single-row INSERT per alert, not one INSERT … VALUES (…),(…) a batch: with a
      // trigger on the table (the incident counts) SQLite stages multi-row VALUES in a temporary
      // table first, 1.4× the CPU (`npm run bench:alert-writes`, docs/benchmarks.md).
      for (const [id, values] of inserts) await insertAlertWithId.run(unit, id, ...values);
      for (const [id, values] of updates) await updateAlert.run(unit, ...values, id);
      return;
    }
    // One row: the single-row statement (an unnest of one row costs PostgreSQL more to plan).
    if (inserts.length + updates.length === 1) {
      for (const [id, values] of inserts) await insertAlertWithId.run(unit, id, ...values);
      for (const [id, values] of updates) await updateAlert.run(unit, ...values, id);
      return;
    }
    const columns = [['id', 'bigint'] as const, ...PG_COLUMNS];
    if (inserts.length > 0) {
      const rows = inserts.map(([id, values]) => [id, ...values]);
      await sql`INSERT INTO alerts (${sql.raw(columnList(columns))}) SELECT * FROM ${unnestRows(columns, rows)}`.execute(unit.db);
    }
    if (updates.length > 0) {
      const rows = updates.map(([id, values]) => [id, ...values]);
      const set = sql.raw(PG_COLUMNS.map(([name]) => `${name} = u.${name}`).join(', '));
      // `a.id = ANY(…)` as well: the planner cannot see how few rows unnest gives and would
      // rather scan the whole table than look each one up by its key.
      const ids = updates.map(([id]) => id);
      await sql`UPDATE alerts AS a SET ${set} FROM ${unnestRows(columns, rows)} WHERE a.id = u.id AND a.id = ANY(${ids}::bigint[])`.execute(unit.db);
    }
  }

  async #writeHistory(unit: UnitOfWork, held: HeldAlertWrites): Promise<void> {
    const rows = held.history.splice(0);
    if (rows.length === 0) return;
    if (unit.dialect === 'sqlite' || rows.length === 1) {
      for (const row of rows) await insertHistory.run(unit, ...row);
      return;
    }
    await sql`INSERT INTO alert_history (${sql.raw(columnList(HISTORY_COLUMNS))}) SELECT * FROM ${unnestRows(HISTORY_COLUMNS, rows)}`.execute(unit.db);
  }

  async history(alertId: number): Promise<AlertHistoryEntry[]> {
    return (await historyOf.all(this.runner, alertId)).map(toHistory);
  }

  async historyOfMany(alertIds: readonly number[]): Promise<AlertHistoryEntry[]> {
    if (alertIds.length === 0) return [];
    const rows = await this.runner.db.selectFrom('alert_history').selectAll().where('alert_id', 'in', alertIds).orderBy('ts').orderBy('id').execute();
    return rows.map(toHistory);
  }

  /** Firing or acknowledged alerts, for re-evaluating silences. */
  async active(): Promise<StoredAlert[]> {
    return (await active.all(this.runner)).map(toStored);
  }

  /** Unresolved alerts whose source promised news by `now` and sent none. */
  async expired(now: number): Promise<StoredAlert[]> {
    return (await expired.all(this.runner, now)).map(toStored);
  }

  async ofIncident(incidentId: number): Promise<Alert[]> {
    return (await ofIncident.all(this.runner, incidentId)).map(toAlert);
  }

  /** At most `limit` alerts of the incident, the unresolved first, returned in start order (as `ofIncident`). */
  async firstOfIncident(incidentId: number, limit: number): Promise<Alert[]> {
    const kept = (await firstOfIncident.all(this.runner, incidentId, limit)).map(toAlert);
    return kept.sort((a, b) => a.startsAt - b.startsAt || a.id - b.id);
  }

  async moveToIncident(alertIds: readonly number[], incidentId: number): Promise<void> {
    for (const id of alertIds) await moveToIncident.run(this.runner, incidentId, id);
  }

  async list(query: AlertListQuery): Promise<{ items: Alert[]; total: number }> {
    const dialect = this.runner.dialect;
    const filtered = this.runner.db.selectFrom('alerts').where((eb: ExpressionBuilder<SqlSchema, 'alerts'>) => {
      const conditions: Expression<SqlBool>[] = [];
      if (query.state) conditions.push(eb('state', 'in', query.state.split(',')));
      if (query.severity) conditions.push(eb('severity', 'in', query.severity.split(',')));
      if (query.source) conditions.push(eb('source', '=', query.source));
      if (query.label) for (const [name, value] of labelPairs(query.label)) conditions.push(eb(labelValue(dialect, 'labels', name), '=', value));
      if (query.q) conditions.push(sql<SqlBool>`search_text LIKE ${containsPattern(query.q)} ESCAPE '\\'`);
      if (query.silenced !== undefined) conditions.push(eb('silenced_by', query.silenced ? '!=' : '=', '[]'));
      if (query.incidentId !== undefined) conditions.push(eb('incident_id', '=', query.incidentId));
      if (query.to !== undefined) conditions.push(eb('starts_at', '<=', query.to));
      if (query.from !== undefined) conditions.push(eb.or([eb('ends_at', 'is', null), eb('ends_at', '>=', query.from)]));
      return eb.and(conditions);
    });
    const order = query.order === 'asc' ? 'asc' : 'desc';
    const sort = query.sort ?? 'startsAt';
    const sortBy = sort === 'severity' ? SEVERITY_ORDER : sql.ref({ startsAt: 'starts_at', updatedAt: 'updated_at', lastSeenAt: 'last_seen_at' }[sort]);
    const { n } = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await filtered.selectAll().orderBy(sortBy, order).orderBy('id', order).limit(query.limit ?? 50).offset(query.offset ?? 0).execute();
    return { items: rows.map(toAlert), total: Number(n) };
  }

  /**
   * The palette's search: alerts whose labels or annotations contain `text`, or whose id
   * is `id`; the exact number first, then unresolved ones, then the most recently seen.
   */
  async search(text: string, id: number | null, limit: number): Promise<Alert[]> {
    const rows = await this.runner.db
      .selectFrom('alerts')
      .selectAll()
      .where((eb) => eb.or([sql<SqlBool>`search_text LIKE ${containsPattern(text)} ESCAPE '\\'`, eb('id', '=', id ?? -1)]))
      .orderBy(sql`id = ${id ?? -1}`, 'desc')
      .orderBy(sql`state = 'resolved'`)
      .orderBy('last_seen_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toAlert);
  }

  #values(alert: NewAlert, now: number): AlertValues {
    return [
      alert.fingerprint,
      alert.source,
      alert.state,
      alert.severity,
      JSON.stringify(alert.labels),
      JSON.stringify(alert.annotations),
      searchTextOf(alert.labels, alert.annotations),
      alert.startsAt,
      alert.endsAt,
      alert.expiresAt,
      alert.lastSeenAt,
      now,
      alert.occurrences,
      JSON.stringify(alert.silencedBy),
      alert.acknowledgedBy,
      alert.acknowledgedAt,
      alert.ackComment,
      alert.incidentId,
      alert.generatorUrl,
    ];
  }
}
