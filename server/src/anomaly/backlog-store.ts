import type { SqlDatabase } from '../db/sql/open.ts';

/**
 * Each replica's anomaly scoring backlog, shared between replicas (PostgreSQL): any
 * replica's ingest feeds the targets every replica scores, so ingest sheds load on every
 * replica while one of them is behind. A backlog older than `maxAgeMs` is a gone replica's.
 */
export class ReplicaBacklogStore {
  readonly #sql: SqlDatabase;

  constructor(sql: SqlDatabase) {
    this.#sql = sql;
  }

  /** Writes this replica's backlog and answers the largest backlog another replica wrote within `maxAgeMs`. */
  async exchange(replica: string, waiting: number, now: number, maxAgeMs: number): Promise<number> {
    await this.#sql.db
      .insertInto('anomaly_replica_backlog')
      .values({ replica, waiting, updated_at: now })
      .onConflict((oc) => oc.column('replica').doUpdateSet({ waiting, updated_at: now }))
      .execute();
    const row = await this.#sql.db
      .selectFrom('anomaly_replica_backlog')
      .select((eb) => eb.fn.max('waiting').as('most'))
      .where('replica', '!=', replica)
      .where('updated_at', '>=', now - maxAgeMs)
      .executeTakeFirst();
    return Number(row?.most ?? 0);
  }

  /** The replica is leaving: its backlog no longer counts. */
  async remove(replica: string): Promise<void> {
    await this.#sql.db.deleteFrom('anomaly_replica_backlog').where('replica', '=', replica).execute();
  }
}
