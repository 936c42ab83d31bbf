import type { Db } from '../db/database.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';

const TARGET_OF = `COALESCE(json_extract(labels, '$.target'), json_extract(labels, '$.host'), json_extract(labels, '$.instance'), 'server')`;

/**
 * The most recent stored samples of a target before `beforeTs`, oldest first, at most
 * `rows` distinct times: what a target's state is rebuilt from after a restart, so that
 * its features, likelihood and model pick up where they were.
 *
 * It runs on the event loop when a target is first seen, so it must stay cheap on a large
 * store: the target's series come from the (small) series table, and each series' latest
 * samples from the clustered (series_id, ts) key. A time among the target's `rows` latest
 * distinct times is always among each series' `rows` latest samples, so the union below
 * holds every sample the cut-off keeps.
 */
export function recentSamples(db: Db, target: string, beforeTs: number, rows: number): SampleEventData[] {
  const series = db.prepare(`SELECT id, name, labels FROM metric_series WHERE ${TARGET_OF} = ?`).all(target) as { id: number; name: string; labels: string }[];
  const latest = db.prepare('SELECT ts, value FROM metric_samples WHERE series_id = ? AND ts < ? ORDER BY ts DESC LIMIT ?');
  const found: SampleEventData[] = [];
  for (const { id, name, labels } of series) {
    const parsed = JSON.parse(labels) as Record<string, string>;
    for (const { ts, value } of latest.all(id, beforeTs, rows) as { ts: number; value: number }[]) found.push({ seriesId: id, name, labels: parsed, ts, value });
  }
  const times = [...new Set(found.map((sample) => sample.ts))].sort((a, b) => b - a);
  const cutoff = times[Math.min(rows, times.length) - 1];
  if (cutoff === undefined) return [];
  return found.filter((sample) => sample.ts >= cutoff).sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
}
