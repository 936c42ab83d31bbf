import type { Selectable } from 'kysely';
import type { Labels, Matcher, Silence, SilenceListQuery, SilenceState } from '../../../shared/api/alerts.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { SilencesTable } from '../db/sql/schema.ts';
import { statement, type SqlRunner } from '../db/sql/statement.ts';
import { compileMatchers, MatcherError, type CompiledMatcher } from './matchers.ts';

type Row = Selectable<SilencesTable>;

export function silenceState(startsAt: number, endsAt: number, now: number): SilenceState {
  if (now < startsAt) return 'pending';
  return now < endsAt ? 'active' : 'expired';
}

function toSilence(row: Row, now: number): Silence {
  return {
    id: row.id,
    matchers: JSON.parse(row.matchers) as Matcher[],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
    expiredBy: row.expired_by,
    state: silenceState(row.starts_at, row.ends_at, now),
  };
}

export interface NewSilence {
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

const liveSince = statement((db, now: number) => db.selectFrom('silences').selectAll().where('ends_at', '>', now), [0] as [number]);

/**
 * Silences on the shared query layer, plus an in-memory index of the ones that are not over
 * yet, so that matching an incoming alert costs no query per alert. The index is rebuilt
 * after every change this process makes; on PostgreSQL another replica may change
 * silences too, so `refresh` re-reads it (one query per ingest batch and per sweep), while
 * on SQLite this process makes every change and `refresh` reads only the first time.
 */
export class SilenceStore {
  readonly #sql: SqlDatabase;
  #live: Array<{ silence: Silence; test: CompiledMatcher }> = [];
  #loaded = false;
  /** Compiled matchers by silence id (a silence's matchers never change). */
  #compiled = new Map<number, CompiledMatcher>();

  constructor(database: SqlDatabase) {
    this.#sql = database;
  }

  get #runner(): SqlRunner {
    return { dialect: this.#sql.dialect, db: this.#sql.db };
  }

  /** Makes the index current: always on PostgreSQL, once on SQLite. `runner`: a unit's transaction. */
  async refresh(now: number, runner: SqlRunner = this.#runner): Promise<void> {
    if (this.#sql.dialect === 'sqlite' && this.#loaded) return;
    await this.reload(now, runner);
  }

  /** Rebuilds the index of pending and active silences. */
  async reload(now: number, runner: SqlRunner = this.#runner): Promise<void> {
    const rows = await liveSince.all(runner, now);
    const compiled = new Map<number, CompiledMatcher>();
    this.#live = rows.map((row) => {
      const silence = toSilence(row, now);
      const test = this.#compiled.get(silence.id) ?? storedMatchers(silence.matchers);
      compiled.set(silence.id, test);
      return { silence, test };
    });
    this.#compiled = compiled;
    this.#loaded = true;
  }

  /** Ids of the silences active at `now` that match these labels (from the index: `refresh` first). */
  matching(labels: Labels, now: number): number[] {
    const ids: number[] = [];
    for (const { silence, test } of this.#live) {
      if (silence.startsAt <= now && now < silence.endsAt && test(labels)) ids.push(silence.id);
    }
    return ids;
  }

  /** Pending and active silences whose matchers match these labels, whether or not they have started. */
  async matchingAny(labels: Labels, now: number): Promise<Silence[]> {
    await this.refresh(now);
    return this.#live.filter(({ silence, test }) => now < silence.endsAt && test(labels)).map(({ silence }) => ({ ...silence, state: silenceState(silence.startsAt, silence.endsAt, now) }));
  }

  /**
   * Undoes an early expire: the silence runs again until `endsAt`. False when it was not expired by someone.
   * `runner`: a unit's transaction (with its audit entry); the caller then reloads the index after the commit.
   */
  async restore(id: number, endsAt: number, now: number, runner?: SqlRunner): Promise<boolean> {
    const result = await (runner ?? this.#runner).db
      .updateTable('silences')
      .set({ ends_at: endsAt, expired_by: null })
      .where('id', '=', id)
      .where('expired_by', 'is not', null)
      .where('ends_at', '<=', now)
      .executeTakeFirst();
    if (!runner) await this.reload(now);
    return Number(result.numUpdatedRows) > 0;
  }

  /** The next time a silence starts or ends, when the silenced flags must be re-evaluated. */
  nextBoundary(now: number): number | null {
    let next: number | null = null;
    for (const { silence } of this.#live) {
      for (const t of [silence.startsAt, silence.endsAt]) if (t > now && (next === null || t < next)) next = t;
    }
    return next;
  }

  /** `runner`: a unit's transaction (with its audit entry); the caller then reloads the index after the commit. */
  async create(input: NewSilence, now: number, runner?: SqlRunner): Promise<Silence> {
    compileMatchers(input.matchers);
    const row = await (runner ?? this.#runner).db
      .insertInto('silences')
      .values({ matchers: JSON.stringify(input.matchers), starts_at: input.startsAt, ends_at: input.endsAt, created_by: input.createdBy, comment: input.comment, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!runner) await this.reload(now);
    return toSilence(row, now);
  }

  /** Ends a silence now; the record stays, listed as expired, with who ended it. */
  /** `runner`: a unit's transaction (with its audit entry); the caller then reloads the index after the commit. */
  async expire(id: number, by: string, now: number, runner?: SqlRunner): Promise<Silence | undefined> {
    await (runner ?? this.#runner).db.updateTable('silences').set({ ends_at: now, expired_by: by }).where('id', '=', id).where('ends_at', '>', now).execute();
    if (!runner) await this.reload(now);
    return this.byId(id, now, runner);
  }

  async byId(id: number, now: number, runner?: SqlRunner): Promise<Silence | undefined> {
    const row = await (runner ?? this.#runner).db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSilence(row, now) : undefined;
  }

  async byIds(ids: readonly number[], now: number, runner: SqlRunner = this.#runner): Promise<Silence[]> {
    if (ids.length === 0) return [];
    const rows = await runner.db.selectFrom('silences').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map((row) => toSilence(row, now));
  }

  async list(query: SilenceListQuery, now: number): Promise<{ items: Silence[]; total: number }> {
    const states = new Set((query.state ?? 'pending,active,expired').split(','));
    const filtered = this.#sql.db.selectFrom('silences').where((eb) =>
      eb.or([
        ...(states.has('pending') ? [eb('starts_at', '>', now)] : []),
        ...(states.has('active') ? [eb.and([eb('starts_at', '<=', now), eb('ends_at', '>', now)])] : []),
        ...(states.has('expired') ? [eb('ends_at', '<=', now)] : []),
      ]),
    );
    const { n } = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await filtered.selectAll().orderBy('ends_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? 100).offset(query.offset ?? 0).execute();
    return { items: rows.map((row) => toSilence(row, now)), total: Number(n) };
  }
}

/**
 * A stored silence's matchers. One that no longer compiles (a regex stored before the
 * regex size bound, shared/regex/expanded-size.ts) silences nothing rather than failing
 * every reload of the index, and with it every alert ingest.
 */
function storedMatchers(matchers: Silence['matchers']): CompiledMatcher {
  try {
    return compileMatchers(matchers);
  } catch (error) {
    if (error instanceof MatcherError) return () => false;
    throw error;
  }
}
