import fs from 'node:fs';
import { isDamagedFile, openCacheDatabase, setAsideDamagedFile, type CacheDb } from './cache-database.ts';
import { damageMarker, watchForDamage } from './damage-watch.ts';
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

/**
 * `file` lives in the user data folder, one per profile, e.g. `<userData>/cache/<profileId>.db`.
 *
 * A file SQLite cannot read as a database (damaged, truncated, overwritten), found while
 * opening it and its stores, is set aside (`setAsideDamagedFile`) and a new, empty cache
 * takes its place: the cache is a copy of the server's data and fills again on the next
 * sync. Other failures (a newer schema, a read-only or full disk) are thrown and the file
 * is left as it is.
 */
export function openLocalCache(file: string, now: () => number = Date.now): LocalCache {
  // Damage met after an earlier open (damage-watch.ts): set aside now, as if found opening.
  if (fs.existsSync(damageMarker(file))) {
    if (fs.existsSync(file)) setAsideDamagedFile(file, now());
    fs.rmSync(damageMarker(file), { force: true });
  }
  try {
    return openStores(file);
  } catch (error) {
    if (!isDamagedFile(error)) throw error;
    setAsideDamagedFile(file, now());
    return openStores(file);
  }
}

function openStores(file: string): LocalCache {
  const db = openCacheDatabase(file);
  watchForDamage(db, file);
  try {
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
  } catch (error) {
    db.close();
    throw error;
  }
}
