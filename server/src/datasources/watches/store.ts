import type { Selectable } from 'kysely';
import { WATCH_STATES, type Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { AlertPusher } from '../../../../shared/api/stream.ts';
import type { Role } from '../../../../shared/auth/permissions.ts';
import type { SqlDatabase } from '../../db/sql/open.ts';
import type { AnomalyWatchesTable } from '../../db/sql/schema.ts';

export interface WatchRow {
  id: number;
  name: string;
  datasourceId: number;
  query: string;
  stepSeconds: number;
  createdBy: string;
  /** The creating person (an API key's owner), migration 070; null for watches created before it. */
  createdByUserId: number | null;
  createdAt: number;
  lastTs: number | null;
  lastError: string | null;
  /** What the replica scoring the watch last wrote of it (any replica answers the API). */
  status: WatchStatus;
}

/** A watch as its scoring replica sees it, stored after each pull. */
export interface WatchStatus {
  scoredBy: string | null;
  state: Watch['state'];
  anomalies: number;
  series: Watch['series'];
}

export interface ScoreRow {
  seriesKey: string;
  ts: number;
  value: number;
  score: number;
  anomaly: boolean;
}

function toWatch(row: Selectable<AnomalyWatchesTable>): WatchRow {
  return {
    id: Number(row.id),
    name: row.name,
    datasourceId: Number(row.datasource_id),
    query: row.query,
    stepSeconds: row.step_seconds,
    createdBy: row.created_by,
    createdByUserId: row.created_by_user_id === null ? null : Number(row.created_by_user_id),
    createdAt: row.created_at,
    lastTs: row.last_ts,
    lastError: row.last_error,
    status: {
      scoredBy: row.scored_by,
      // Not scored anywhere yet: the first pull (a back-fill) is what comes next.
      state: (WATCH_STATES as readonly string[]).includes(row.state ?? '') ? (row.state as Watch['state']) : 'backfilling',
      anomalies: Number(row.anomalies ?? 0),
      series: row.series_json ? (JSON.parse(row.series_json) as Watch['series']) : [],
    },
  };
}

/** Rows per INSERT: 6 parameters each, well below SQLite's and PostgreSQL's parameter limits. */
const SCORE_BATCH = 500;

/**
 * Watch definitions and the scores of their series, on the query layer (SQLite or
 * PostgreSQL). Every write is one that two replicas scoring the same watch can both make:
 * a score already stored is skipped (`ON CONFLICT DO NOTHING`), progress only moves forward.
 */
export class WatchStore {
  readonly #sql: SqlDatabase;

  constructor(sql: SqlDatabase) {
    this.#sql = sql;
  }

  async list(): Promise<WatchRow[]> {
    return (await this.#sql.db.selectFrom('anomaly_watches').selectAll().orderBy('name').execute()).map(toWatch);
  }

  async count(): Promise<number> {
    const row = await this.#sql.db.selectFrom('anomaly_watches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Watches kept with this creator (watches stored before migration 070 have none). */
  async countByCreator(userId: number): Promise<number> {
    const row = await this.#sql.db.selectFrom('anomaly_watches').select((eb) => eb.fn.countAll<number>().as('n')).where('created_by_user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async byId(id: number): Promise<WatchRow | undefined> {
    const row = await this.#sql.db.selectFrom('anomaly_watches').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toWatch(row) : undefined;
  }

  async byName(name: string): Promise<WatchRow | undefined> {
    const row = await this.#sql.db.selectFrom('anomaly_watches').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toWatch(row) : undefined;
  }

  /** The new watch, or undefined when the name is taken (the unique index decides, across replicas too). */
  async create(input: Pick<WatchRow, 'name' | 'datasourceId' | 'query' | 'stepSeconds'>, by: string, now: number, byUserId: number | null = null): Promise<WatchRow | undefined> {
    const inserted = await this.#sql.db
      .insertInto('anomaly_watches')
      .values({ name: input.name, datasource_id: input.datasourceId, query: input.query, step_seconds: input.stepSeconds, created_by: by, created_by_user_id: byUserId, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? this.byId(Number(inserted.id)) : undefined;
  }

  /**
   * A watch's creator as the pusher of its alerts, with the role they have now (read when
   * the alarm is raised, so a demotion counts). A creator since removed or disabled can run
   * nothing: their watch's proposals then wait for an approval.
   */
  async creator(userId: number): Promise<AlertPusher> {
    const user = await this.#sql.db.selectFrom('users').select(['username', 'role', 'disabled']).where('id', '=', userId).executeTakeFirst();
    if (!user || Number(user.disabled) === 1) return { name: user?.username ?? `user #${userId}`, kind: 'user', userId, ip: null, role: 'viewer', scopes: [] };
    return { name: user.username, kind: 'user', userId, ip: null, role: user.role as Role, scopes: null };
  }

  async remove(id: number): Promise<boolean> {
    const deleted = await this.#sql.db.deleteFrom('anomaly_watches').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Scores of one pull and the watch's progress, in one transaction (only queries awaited inside it). */
  async record(watchId: number, scores: readonly ScoreRow[], lastTs: number | null, error: string | null): Promise<void> {
    await this.#sql.db.transaction().execute(async (trx) => {
      for (let start = 0; start < scores.length; start += SCORE_BATCH) {
        const values = scores.slice(start, start + SCORE_BATCH).map((s) => ({ watch_id: watchId, series_key: s.seriesKey, ts: s.ts, value: s.value, score: s.score, anomaly: s.anomaly ? 1 : 0 }));
        await trx
          .insertInto('anomaly_watch_scores')
          .values(values)
          .onConflict((oc) => oc.columns(['watch_id', 'series_key', 'ts']).doNothing())
          .execute();
      }
      await trx
        .updateTable('anomaly_watches')
        .set((eb) => ({
          // Forward only: a replica behind another never moves the cursor back.
          last_ts: eb.fn<number>(this.#sql.dialect === 'postgres' ? 'greatest' : 'max', [eb.fn.coalesce('last_ts', eb.lit(0)), eb.val(lastTs ?? 0)]),
          last_error: error,
        }))
        .where('id', '=', watchId)
        .execute();
    });
  }

  /** The scoring replica's view of the watch, after a pull. */
  async saveStatus(watchId: number, status: WatchStatus): Promise<void> {
    await this.#sql.db
      .updateTable('anomaly_watches')
      .set({ scored_by: status.scoredBy, state: status.state, anomalies: status.anomalies, series_json: JSON.stringify(status.series) })
      .where('id', '=', watchId)
      .execute();
  }

  async scores(watchId: number, options: { series?: string | undefined; from: number; to: number }): Promise<Map<string, ScoreRow[]>> {
    let query = this.#sql.db.selectFrom('anomaly_watch_scores').selectAll().where('watch_id', '=', watchId).where('ts', '>=', options.from).where('ts', '<=', options.to);
    if (options.series !== undefined) query = query.where('series_key', '=', options.series);
    const rows = await query.orderBy('series_key').orderBy('ts').execute();
    const bySeries = new Map<string, ScoreRow[]>();
    for (const row of rows) {
      const key = row.series_key;
      let list = bySeries.get(key);
      if (!list) bySeries.set(key, (list = []));
      list.push({ seriesKey: key, ts: row.ts, value: row.value, score: row.score, anomaly: row.anomaly === 1 });
    }
    return bySeries;
  }

  /** Drops scores older than the cut-off (they are kept for a bounded time, like raw samples). */
  async prune(before: number): Promise<void> {
    await this.#sql.db.deleteFrom('anomaly_watch_scores').where('ts', '<', before).execute();
  }
}
