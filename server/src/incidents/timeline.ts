import { sql, type Selectable } from 'kysely';
import type { NoteRevision, TimelineEntry, TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';
import type { IncidentTimelineTable, NoteRevisionsTable } from '../db/sql/schema.ts';
import { statement, type Executor } from '../db/sql/statement.ts';
import { RunnerStore } from '../db/sql/runner-store.ts';
import { WRITE_STAGE, type UnitOfWork } from '../core/unit-of-work.ts';
import { columnList, unnestRows } from '../db/sql/unnest.ts';

/** Ids per statement of a read by ids (under every dialect's limit of parameters). */
const ID_SLICE = 500;

type Row = Selectable<IncidentTimelineTable> & { revision_count: number | string };

function toEntry(row: Row): TimelineEntry {
  return {
    id: row.id,
    incidentId: row.incident_id,
    ts: row.ts,
    kind: row.kind as TimelineKind,
    actor: row.actor,
    actorKind: row.actor_kind as TimelineEntry['actorKind'],
    alertId: row.alert_id,
    text: row.text,
    data: JSON.parse(row.data) as Record<string, unknown>,
    editedAt: row.edited_at,
    deletedAt: row.deleted_at,
    deletedBy: row.deleted_by,
    revisionCount: Number(row.revision_count),
  };
}

function toRevision(row: Selectable<NoteRevisionsTable>): NoteRevision {
  return {
    id: row.id,
    entryId: row.entry_id,
    text: row.text,
    replacedAt: row.replaced_at,
    replacedBy: row.replaced_by,
    change: row.change,
  };
}

export interface NewTimelineEntry {
  incidentId: number;
  ts: number;
  kind: TimelineKind;
  actor: Actor;
  alertId?: number | null;
  text: string;
  data?: Record<string, unknown>;
}

/** Entries with the number of revisions of each. */
const entries = (db: Executor) =>
  db.selectFrom('incident_timeline as t').selectAll('t').select(sql<number>`(SELECT count(*) FROM note_revisions r WHERE r.entry_id = t.id)`.as('revision_count'));

const insertEntry = statement(
  (db, incidentId: number, ts: number, kind: string, actor: string, actorKind: string, alertId: number | null, text: string, data: string) =>
    db.insertInto('incident_timeline').values({ incident_id: incidentId, ts, kind, actor, actor_kind: actorKind, alert_id: alertId, text, data }).returning('id'),
  [0, 0, '', '', '', null, '', ''],
);
/** The same INSERT without RETURNING, for SQLite inside a unit (the id is the rowid it gave). */
const insertEntryRow = statement(
  (db, incidentId: number, ts: number, kind: string, actor: string, actorKind: string, alertId: number | null, text: string, data: string) =>
    db.insertInto('incident_timeline').values({ incident_id: incidentId, ts, kind, actor, actor_kind: actorKind, alert_id: alertId, text, data }),
  [0, 0, '', '', '', null, '', ''],
);
const entryById = statement((db, id: number) => entries(db).where('t.id', '=', id), [0]);
const insertRevision = statement(
  (db, entryId: number, text: string, at: number, by: string, change: 'edit' | 'delete') =>
    db.insertInto('note_revisions').values({ entry_id: entryId, text, replaced_at: at, replaced_by: by, change }),
  [0, '', 0, '', 'edit'],
);

type EntryValues = [number, number, string, string, string, number | null, string, string];
const PG_COLUMNS = [['incident_id', 'bigint'], ['ts', 'bigint'], ['kind', 'text'], ['actor', 'text'], ['actor_kind', 'text'], ['alert_id', 'bigint'], ['text', 'text'], ['data', 'text']] as const;

/**
 * The ordered record of one incident, on the shared query layer. Entries are appended,
 * never removed; notes can be edited or soft-deleted by their author and every replaced
 * text is kept as a revision. `in(unit)`: bound to a transaction.
 */
export class TimelineStore extends RunnerStore {
  async append(entry: NewTimelineEntry): Promise<TimelineEntry> {
    const data = entry.data ?? {};
    const row = await insertEntry.first(this.runner, entry.incidentId, entry.ts, entry.kind, entry.actor.name, entry.actor.kind, entry.alertId ?? null, entry.text, JSON.stringify(data));
    return this.#entry(Number(row!.id), entry, data);
  }

  /**
   * Within a unit: the entry is written at the unit's next flush with the batch's others (on
   * PostgreSQL one statement for all, not one each). Its `id` is set then: the entry is for
   * what the unit publishes after its commit.
   */
  hold(unit: UnitOfWork, entry: NewTimelineEntry): TimelineEntry {
    const data = entry.data ?? {};
    const appended = this.#entry(0, entry, data);
    const held = unit.scratch('timeline.held', () => {
      const rows: Array<{ values: EntryValues; entry: TimelineEntry }> = [];
      unit.holdWrites('incident_timeline', WRITE_STAGE.referencing, () => this.#write(unit, rows));
      return rows;
    });
    held.push({ values: [entry.incidentId, entry.ts, entry.kind, entry.actor.name, entry.actor.kind, entry.alertId ?? null, entry.text, JSON.stringify(data)], entry: appended });
    return appended;
  }

  async #write(unit: UnitOfWork, held: Array<{ values: EntryValues; entry: TimelineEntry }>): Promise<void> {
    const rows = held.splice(0);
    if (rows.length === 0) return;
    // SQLite: each insert's own id (a prepared statement on the unit's connection, the rowid it gave); PostgreSQL: a lone entry likewise, in one round trip.
    if (unit.sqlite) {
      for (const { values, entry } of rows) entry.id = insertEntryRow.insertedId(unit, ...values);
      return;
    }
    if (rows.length === 1) {
      for (const { values, entry } of rows) entry.id = Number((await insertEntry.first(unit, ...values))!.id);
      return;
    }
    // Ids from the sequence first (sorted: the entries keep their order), then every row in one statement.
    const { rows: ids } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('incident_timeline', 'id')) AS id FROM generate_series(1, ${rows.length})`.execute(unit.db);
    const sorted = ids.map((row) => Number(row.id)).sort((a, b) => a - b);
    rows.forEach(({ entry }, i) => (entry.id = sorted[i]!));
    const columns = [['id', 'bigint'] as const, ...PG_COLUMNS];
    const values = rows.map(({ values }, i) => [sorted[i]!, ...values]);
    await sql`INSERT INTO incident_timeline (${sql.raw(columnList(columns))}) SELECT * FROM ${unnestRows(columns, values)}`.execute(unit.db);
  }

  #entry(id: number, entry: NewTimelineEntry, data: Record<string, unknown>): TimelineEntry {
    return {
      id,
      incidentId: entry.incidentId,
      ts: entry.ts,
      kind: entry.kind,
      actor: entry.actor.name,
      actorKind: entry.actor.kind,
      alertId: entry.alertId ?? null,
      text: entry.text,
      data,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      revisionCount: 0,
    };
  }

  async byId(id: number): Promise<TimelineEntry | undefined> {
    const row = await entryById.first(this.runner, id);
    return row && toEntry(row);
  }

  /** The entries of these ids (the stream's replay of its timeline markers); an id missing from the map has no entry. */
  async byIds(ids: readonly number[]): Promise<Map<number, TimelineEntry>> {
    const found = new Map<number, TimelineEntry>();
    // In slices: a replay may name thousands, more than a statement takes parameters.
    for (let at = 0; at < ids.length; at += ID_SLICE) {
      for (const row of await entries(this.runner.db).where('t.id', 'in', ids.slice(at, at + ID_SLICE)).execute()) found.set(row.id, toEntry(row));
    }
    return found;
  }

  /** In the order things happened; ties keep the order they were recorded in. */
  async of(incidentId: number): Promise<TimelineEntry[]> {
    return (await entries(this.runner.db).where('t.incident_id', '=', incidentId).orderBy('t.ts').orderBy('t.id').execute()).map(toEntry);
  }

  async revisionsOf(incidentId: number): Promise<NoteRevision[]> {
    const rows = await this.runner.db
      .selectFrom('note_revisions as r')
      .innerJoin('incident_timeline as t', 't.id', 'r.entry_id')
      .selectAll('r')
      .where('t.incident_id', '=', incidentId)
      .orderBy('r.id')
      .execute();
    return rows.map(toRevision);
  }

  async revisionsOfEntry(entryId: number): Promise<NoteRevision[]> {
    return (await this.runner.db.selectFrom('note_revisions').selectAll().where('entry_id', '=', entryId).orderBy('id').execute()).map(toRevision);
  }

  async editNote(entry: TimelineEntry, text: string, by: string, now: number): Promise<TimelineEntry> {
    await insertRevision.run(this.runner, entry.id, entry.text, now, by, 'edit');
    await this.runner.db.updateTable('incident_timeline').set({ text, edited_at: now }).where('id', '=', entry.id).execute();
    return (await this.byId(entry.id))!;
  }

  /** The note disappears from the reading view but its text stays in the revisions. */
  async deleteNote(entry: TimelineEntry, by: string, now: number): Promise<TimelineEntry> {
    await insertRevision.run(this.runner, entry.id, entry.text, now, by, 'delete');
    await this.runner.db.updateTable('incident_timeline').set({ text: '', deleted_at: now, deleted_by: by }).where('id', '=', entry.id).execute();
    return (await this.byId(entry.id))!;
  }

  /** Moves entries to another incident (merge moves all, split those of the moved alerts). */
  async move(fromIncident: number, toIncident: number, alertIds?: readonly number[]): Promise<void> {
    let update = this.runner.db.updateTable('incident_timeline').set({ incident_id: toIncident }).where('incident_id', '=', fromIncident);
    if (alertIds) {
      if (alertIds.length === 0) return;
      update = update.where('alert_id', 'in', alertIds);
    }
    await update.execute();
  }
}
