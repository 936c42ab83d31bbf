import type { Db } from '../db/database.ts';
import type { NoteRevision, TimelineEntry, TimelineKind } from '../../../shared/api/incidents.ts';
import type { Actor } from '../core/actor.ts';

type Row = Record<string, unknown>;

function toEntry(row: Row): TimelineEntry {
  return {
    id: row.id as number,
    incidentId: row.incident_id as number,
    ts: row.ts as number,
    kind: row.kind as TimelineKind,
    actor: row.actor as string,
    actorKind: row.actor_kind as TimelineEntry['actorKind'],
    alertId: row.alert_id as number | null,
    text: row.text as string,
    data: JSON.parse(row.data as string) as Record<string, unknown>,
    editedAt: row.edited_at as number | null,
    deletedAt: row.deleted_at as number | null,
    deletedBy: row.deleted_by as string | null,
    revisionCount: row.revision_count as number,
  };
}

function toRevision(row: Row): NoteRevision {
  return {
    id: row.id as number,
    entryId: row.entry_id as number,
    text: row.text as string,
    replacedAt: row.replaced_at as number,
    replacedBy: row.replaced_by as string,
    change: row.change as NoteRevision['change'],
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

const SELECT = 'SELECT t.*, (SELECT count(*) FROM note_revisions r WHERE r.entry_id = t.id) AS revision_count FROM incident_timeline t';

/**
 * The ordered record of one incident. Entries are appended, never removed; notes can be
 * edited or soft-deleted by their author and every replaced text is kept as a revision.
 */
export class TimelineStore {
  readonly #db: Db;
  readonly #insert;
  readonly #byId;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      'INSERT INTO incident_timeline (incident_id, ts, kind, actor, actor_kind, alert_id, text, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#byId = db.prepare(`${SELECT} WHERE t.id = ?`);
  }

  append(entry: NewTimelineEntry): TimelineEntry {
    const data = entry.data ?? {};
    const id = Number(
      this.#insert.run(entry.incidentId, entry.ts, entry.kind, entry.actor.name, entry.actor.kind, entry.alertId ?? null, entry.text, JSON.stringify(data)).lastInsertRowid,
    );
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

  byId(id: number): TimelineEntry | undefined {
    const row = this.#byId.get(id) as Row | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** In the order things happened; ties keep the order they were recorded in. */
  of(incidentId: number): TimelineEntry[] {
    return (this.#db.prepare(`${SELECT} WHERE t.incident_id = ? ORDER BY t.ts, t.id`).all(incidentId) as Row[]).map(toEntry);
  }

  revisionsOf(incidentId: number): NoteRevision[] {
    const rows = this.#db
      .prepare('SELECT r.* FROM note_revisions r JOIN incident_timeline t ON t.id = r.entry_id WHERE t.incident_id = ? ORDER BY r.id')
      .all(incidentId) as Row[];
    return rows.map(toRevision);
  }

  revisionsOfEntry(entryId: number): NoteRevision[] {
    return (this.#db.prepare('SELECT * FROM note_revisions WHERE entry_id = ? ORDER BY id').all(entryId) as Row[]).map(toRevision);
  }

  editNote(entry: TimelineEntry, text: string, by: string, now: number): TimelineEntry {
    this.#db.prepare("INSERT INTO note_revisions (entry_id, text, replaced_at, replaced_by, change) VALUES (?, ?, ?, ?, 'edit')").run(entry.id, entry.text, now, by);
    this.#db.prepare('UPDATE incident_timeline SET text = ?, edited_at = ? WHERE id = ?').run(text, now, entry.id);
    return this.byId(entry.id)!;
  }

  /** The note disappears from the reading view but its text stays in the revisions. */
  deleteNote(entry: TimelineEntry, by: string, now: number): TimelineEntry {
    this.#db.prepare("INSERT INTO note_revisions (entry_id, text, replaced_at, replaced_by, change) VALUES (?, ?, ?, ?, 'delete')").run(entry.id, entry.text, now, by);
    this.#db.prepare("UPDATE incident_timeline SET text = '', deleted_at = ?, deleted_by = ? WHERE id = ?").run(now, by, entry.id);
    return this.byId(entry.id)!;
  }

  /** Moves entries to another incident (merge moves all, split those of the moved alerts). */
  move(fromIncident: number, toIncident: number, alertIds?: readonly number[]): void {
    if (!alertIds) {
      this.#db.prepare('UPDATE incident_timeline SET incident_id = ? WHERE incident_id = ?').run(toIncident, fromIncident);
      return;
    }
    const move = this.#db.prepare('UPDATE incident_timeline SET incident_id = ? WHERE incident_id = ? AND alert_id = ?');
    for (const alertId of alertIds) move.run(toIncident, fromIncident, alertId);
  }
}
