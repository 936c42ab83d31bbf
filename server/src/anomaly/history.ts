import type { Db } from '../db/database.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';

/**
 * The most recent stored samples of a target before `beforeTs`, oldest first, at most
 * `rows` distinct times: what a target's state is rebuilt from after a restart, so that
 * its features, likelihood and model pick up where they were.
 */
export function recentSamples(db: Db, target: string, beforeTs: number, rows: number): SampleEventData[] {
  const targetOf = `COALESCE(json_extract(m.labels, '$.target'), json_extract(m.labels, '$.host'), json_extract(m.labels, '$.instance'), 'server')`;
  const oldest = db
    .prepare(
      `SELECT MIN(ts) AS ts FROM (SELECT DISTINCT s.ts FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
       WHERE ${targetOf} = ? AND s.ts < ? ORDER BY s.ts DESC LIMIT ?)`,
    )
    .get(target, beforeTs, rows) as { ts: number | null };
  if (oldest.ts === null) return [];
  const found = db
    .prepare(
      `SELECT s.series_id AS seriesId, m.name, m.labels, s.ts, s.value FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
       WHERE ${targetOf} = ? AND s.ts >= ? AND s.ts < ? ORDER BY s.ts`,
    )
    .all(target, oldest.ts, beforeTs) as { seriesId: number; name: string; labels: string; ts: number; value: number }[];
  return found.map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> }));
}
