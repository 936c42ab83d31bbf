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
 * are summarised before they go. Deletes run per series along the chunk index: whole
 * chunks go, the one straddling a cutoff is re-encoded without its older samples. Anomaly
 * scores are kept as long as raw samples.
 */
export function enforceRetention(db: Db, store: MetricsStore, policy: RetentionPolicy, now: number): RetentionResult {
  store.flushRollups();
  const cutoffs = { raw: now - policy.rawMs, minute: now - policy.minuteMs, hour: now - policy.hourMs };
  return db.transaction(() => {
    const result: RetentionResult = { raw: 0, minute: 0, hour: 0 };
    for (const { id } of store.series()) {
      const deleted = store.deleteBefore(id, cutoffs);
      result.raw += deleted.raw;
      result.minute += deleted.minute;
      result.hour += deleted.hour;
    }
    store.deleteScoresBefore(cutoffs.raw);
    return result;
  })();
}
