import type { Db } from '../db/database.ts';
import type { MetricsStore } from './store.ts';

/** How long each resolution is kept, in milliseconds. */
export interface RetentionPolicy {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

const DAY_MS = 86_400_000;

/** Raw for 2 days (a 24 h chart at full detail with room), minutes for 30 days, hours for 400. */
export const DEFAULT_RETENTION: RetentionPolicy = { rawMs: 2 * DAY_MS, minuteMs: 30 * DAY_MS, hourMs: 400 * DAY_MS };

export interface RetentionResult {
  raw: number;
  minute: number;
  hour: number;
}

/**
 * Deletes what has aged out of each resolution. Rollups are flushed first, so raw samples
 * are summarised before they go. Deletes run per series, along the (series_id, ts) keys,
 * instead of scanning whole tables.
 */
export function enforceRetention(db: Db, store: MetricsStore, policy: RetentionPolicy, now: number): RetentionResult {
  store.flushRollups();
  const deleteRaw = db.prepare('DELETE FROM metric_samples WHERE series_id = ? AND ts < ?');
  const deleteMinutes = db.prepare('DELETE FROM metric_rollups_1m WHERE series_id = ? AND bucket < ?');
  const deleteHours = db.prepare('DELETE FROM metric_rollups_1h WHERE series_id = ? AND bucket < ?');
  return db.transaction(() => {
    const result: RetentionResult = { raw: 0, minute: 0, hour: 0 };
    for (const { id } of store.series()) {
      result.raw += deleteRaw.run(id, now - policy.rawMs).changes;
      result.minute += deleteMinutes.run(id, now - policy.minuteMs).changes;
      result.hour += deleteHours.run(id, now - policy.hourMs).changes;
    }
    return result;
  })();
}
