import type { AnomalyEvent, AnomalyExplanation } from '../../../shared/api/anomaly.ts';
import type { Explanation } from '../../../shared/anomaly/index.ts';
import { packText, unpackText } from '../db/packed-text.ts';
import type { SqlDatabase } from '../db/sql/open.ts';

export interface NewAnomalyEvent {
  target: string;
  ts: number;
  modelId: number;
  score: number;
  threshold: number;
  explanation: Explanation;
}

export interface AnomalyEventFilter {
  target?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  limit: number;
}

/**
 * The anomalies the engine raised, each with its explanation, on the query layer (on
 * PostgreSQL every replica's, whichever scored the target). The explanation, ~7 KB of
 * JSON per anomaly, is stored deflated (a fifth of that).
 */
export class AnomalyEventStore {
  readonly #sql: SqlDatabase;

  constructor(sql: SqlDatabase) {
    this.#sql = sql;
  }

  /**
   * Stores an anomaly once: a sample scored again after a crash (its alarm raised, its score
   * not yet stored) raises it again, and the target keeps one event for that time (a unique
   * index on target and time, migration 068: two writers at once keep one too).
   */
  async add(event: NewAnomalyEvent): Promise<void> {
    const explanation = packText(JSON.stringify(event.explanation));
    await this.#sql.db
      .insertInto('anomaly_events')
      .values({ target: event.target, ts: event.ts, model_id: event.modelId, score: event.score, threshold: event.threshold, summary: event.explanation.summary, explanation })
      .onConflict((oc) => oc.columns(['target', 'ts']).doNothing())
      .execute();
  }

  /** Newest first. */
  async list(filter: AnomalyEventFilter): Promise<AnomalyEvent[]> {
    let query = this.#sql.db.selectFrom('anomaly_events').select(['id', 'target', 'ts', 'model_id', 'score', 'threshold', 'summary', 'explanation']);
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    if (filter.from !== undefined) query = query.where('ts', '>=', filter.from);
    const rows = await query.orderBy('ts', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      target: r.target,
      ts: r.ts,
      modelId: r.model_id,
      score: r.score,
      threshold: r.threshold,
      summary: r.summary,
      explanation: JSON.parse(unpackText(r.explanation)) as AnomalyExplanation,
    }));
  }

  /** The target's latest anomaly (ChatOps' "why is api-1 anomalous"). */
  async latest(target: string): Promise<AnomalyEvent | undefined> {
    return (await this.list({ target, limit: 1 }))[0];
  }
}
