import { openCacheDatabase, type CacheDb } from './cache-database.ts';
import { BudgetKeeper } from './budget.ts';
import { IncidentCache } from './incident-cache.ts';
import { MetricCache } from './metric-cache.ts';
import { Pins } from './pins.ts';
import { SourceRangeCache } from './source-range-cache.ts';
import { SyncCursors } from './sync-cursors.ts';

/** One server profile's cache: the database and the stores over it. */
export interface LocalCache {
  db: CacheDb;
  metrics: MetricCache;
  incidents: IncidentCache;
  cursors: SyncCursors;
  pins: Pins;
  /** Data-source query answers kept offline with incidents. */
  sources: SourceRangeCache;
  budget: BudgetKeeper;
  close(): void;
}

/** `file` lives in the user data folder, one per profile, e.g. `<userData>/cache/<profileId>.db`. */
export function openLocalCache(file: string): LocalCache {
  const db = openCacheDatabase(file);
  const pins = new Pins(db);
  const metrics = new MetricCache(db);
  return {
    db,
    metrics,
    incidents: new IncidentCache(db),
    cursors: new SyncCursors(db),
    pins,
    sources: new SourceRangeCache(db),
    budget: new BudgetKeeper(db, pins, metrics.chunks),
    close: () => db.close(),
  };
}
