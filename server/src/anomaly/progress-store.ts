import type { AnomalyStatus, TrainingProgress } from '../../../shared/api/anomaly.ts';
import type { SqlDatabase } from '../db/sql/open.ts';

/** One target as its scoring replica sees it: its training progress and its status entry. */
export interface TargetProgress {
  progress: TrainingProgress;
  status: AnomalyStatus['targets'][number];
}

/**
 * Where the cluster's anomaly work stands, shared between replicas (PostgreSQL): each
 * target's progress as the replica scoring it last wrote it, so that any replica answers
 * `/anomaly/status` and `/anomaly/training` for the cluster, not only for the targets it
 * scores itself (rows are rewritten at least every minute by their owner; a row older than
 * `maxAgeMs` belongs to a replica that is gone and is not listed).
 */
export class TargetProgressStore {
  readonly #sql: SqlDatabase;

  constructor(sql: SqlDatabase) {
    this.#sql = sql;
  }

  /** Writes the targets' rows, in one statement. */
  async write(replica: string, targets: readonly TargetProgress[], now: number): Promise<void> {
    if (targets.length === 0) return;
    await this.#sql.db
      .insertInto('anomaly_target_progress')
      .values(targets.map((t) => ({ target: t.progress.target, scored_by: replica, progress: JSON.stringify(t), updated_at: now })))
      .onConflict((oc) => oc.column('target').doUpdateSet((eb) => ({ scored_by: eb.ref('excluded.scored_by'), progress: eb.ref('excluded.progress'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  /** Removes the replica's rows of these targets (it no longer scores them). */
  async remove(replica: string, targets: readonly string[]): Promise<void> {
    if (targets.length === 0) return;
    await this.#sql.db.deleteFrom('anomaly_target_progress').where('scored_by', '=', replica).where('target', 'in', targets).execute();
  }

  /** Every target written within `maxAgeMs`, with the replica that scores it. */
  async list(now: number, maxAgeMs: number): Promise<Array<TargetProgress & { scoredBy: string }>> {
    const rows = await this.#sql.db.selectFrom('anomaly_target_progress').selectAll().where('updated_at', '>=', now - maxAgeMs).execute();
    return rows.map((row) => ({ ...(JSON.parse(row.progress) as TargetProgress), scoredBy: row.scored_by }));
  }
}
