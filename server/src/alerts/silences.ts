import type { Db } from '../db/database.ts';
import type { Labels, Matcher, Silence, SilenceListQuery, SilenceState } from '../../../shared/api/alerts.ts';
import { compileMatchers, type CompiledMatcher } from './matchers.ts';

type Row = Record<string, unknown>;

export function silenceState(startsAt: number, endsAt: number, now: number): SilenceState {
  if (now < startsAt) return 'pending';
  return now < endsAt ? 'active' : 'expired';
}

function toSilence(row: Row, now: number): Silence {
  return {
    id: row.id as number,
    matchers: JSON.parse(row.matchers as string) as Matcher[],
    startsAt: row.starts_at as number,
    endsAt: row.ends_at as number,
    createdBy: row.created_by as string,
    comment: row.comment as string,
    createdAt: row.created_at as number,
    expiredBy: row.expired_by as string | null,
    state: silenceState(row.starts_at as number, row.ends_at as number, now),
  };
}

export interface NewSilence {
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/**
 * Silences in SQLite plus an in-memory index of the ones that are not over yet, so that
 * matching an incoming alert costs no query.
 */
export class SilenceStore {
  readonly #db: Db;
  #live: Array<{ silence: Silence; test: CompiledMatcher }> = [];

  constructor(db: Db, now: number) {
    this.#db = db;
    this.reload(now);
  }

  /** Rebuilds the index of pending and active silences. */
  reload(now: number): void {
    const rows = this.#db.prepare('SELECT * FROM silences WHERE ends_at > ?').all(now) as Row[];
    this.#live = rows.map((row) => {
      const silence = toSilence(row, now);
      return { silence, test: compileMatchers(silence.matchers) };
    });
  }

  /** Ids of the silences active at `now` that match these labels. */
  matching(labels: Labels, now: number): number[] {
    const ids: number[] = [];
    for (const { silence, test } of this.#live) {
      if (silence.startsAt <= now && now < silence.endsAt && test(labels)) ids.push(silence.id);
    }
    return ids;
  }

  /** Pending and active silences whose matchers match these labels, whether or not they have started. */
  matchingAny(labels: Labels, now: number): Silence[] {
    return this.#live.filter(({ silence, test }) => now < silence.endsAt && test(labels)).map(({ silence }) => ({ ...silence, state: silenceState(silence.startsAt, silence.endsAt, now) }));
  }

  /** Undoes an early expire: the silence runs again until `endsAt`. False when it was not expired by someone. */
  restore(id: number, endsAt: number, now: number): boolean {
    const changed = this.#db.prepare('UPDATE silences SET ends_at = ?, expired_by = NULL WHERE id = ? AND expired_by IS NOT NULL AND ends_at <= ?').run(endsAt, id, now).changes;
    this.reload(now);
    return changed > 0;
  }

  /** The next time a silence starts or ends, when the silenced flags must be re-evaluated. */
  nextBoundary(now: number): number | null {
    let next: number | null = null;
    for (const { silence } of this.#live) {
      for (const t of [silence.startsAt, silence.endsAt]) if (t > now && (next === null || t < next)) next = t;
    }
    return next;
  }

  create(input: NewSilence, now: number): Silence {
    compileMatchers(input.matchers);
    const id = Number(
      this.#db
        .prepare('INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(JSON.stringify(input.matchers), input.startsAt, input.endsAt, input.createdBy, input.comment, now).lastInsertRowid,
    );
    this.reload(now);
    return this.byId(id, now)!;
  }

  /** Ends a silence now; the record stays, listed as expired, with who ended it. */
  expire(id: number, by: string, now: number): Silence | undefined {
    this.#db.prepare('UPDATE silences SET ends_at = ?, expired_by = ? WHERE id = ? AND ends_at > ?').run(now, by, id, now);
    this.reload(now);
    return this.byId(id, now);
  }

  byId(id: number, now: number): Silence | undefined {
    const row = this.#db.prepare('SELECT * FROM silences WHERE id = ?').get(id) as Row | undefined;
    return row ? toSilence(row, now) : undefined;
  }

  byIds(ids: readonly number[], now: number): Silence[] {
    if (ids.length === 0) return [];
    const rows = this.#db.prepare(`SELECT * FROM silences WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY id`).all(...ids) as Row[];
    return rows.map((row) => toSilence(row, now));
  }

  list(query: SilenceListQuery, now: number): { items: Silence[]; total: number } {
    const states = new Set((query.state ?? 'pending,active,expired').split(','));
    const conditions = {
      pending: { sql: 'starts_at > @now', wanted: states.has('pending') },
      active: { sql: '(starts_at <= @now AND ends_at > @now)', wanted: states.has('active') },
      expired: { sql: 'ends_at <= @now', wanted: states.has('expired') },
    };
    const clause = `WHERE ${Object.values(conditions).filter((c) => c.wanted).map((c) => c.sql).join(' OR ')}`;
    const args = { now };
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM silences ${clause}`).get(args) as { n: number }).n;
    const rows = this.#db
      .prepare(`SELECT * FROM silences ${clause} ORDER BY ends_at DESC, id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: query.limit ?? 100, offset: query.offset ?? 0 }) as Row[];
    return { items: rows.map((row) => toSilence(row, now)), total };
  }
}
