import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { Db } from '../db/database.ts';

/**
 * Anomaly rate of a target over a time range, straight from the scores stored beside the
 * samples (all of a target's series at one time carry the same score).
 */
export function anomalyRate(db: Db, target: string, from: number, to: number, threshold: number): AnomalyRate {
  const row = db
    .prepare(
      `SELECT COUNT(DISTINCT s.ts) AS samples, COUNT(DISTINCT CASE WHEN s.score >= ? THEN s.ts END) AS anomalous
       FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
       WHERE COALESCE(json_extract(m.labels, '$.target'), json_extract(m.labels, '$.host'), json_extract(m.labels, '$.instance'), 'server') = ?
         AND s.ts >= ? AND s.ts <= ? AND s.score IS NOT NULL`,
    )
    .get(threshold, target, from, to) as { samples: number; anomalous: number };
  return { target, from, to, ...row, rate: row.samples > 0 ? row.anomalous / row.samples : null, threshold };
}
