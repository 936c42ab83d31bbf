/**
 * The cache's schema, as numbered migrations kept in code rather than .sql files so that
 * the bundled main process carries them without copying assets. Applied once, in order,
 * tracked by `PRAGMA user_version` (the same scheme as the server's database).
 */
import type { CacheDb } from './cache-database.ts';
import { moveSamplesToChunks } from './samples-to-chunks.ts';

export interface CacheMigration {
  version: number;
  name: string;
  sql: string;
  /** A data step that SQL cannot express, run after `sql` in the same transaction. */
  run?: (db: CacheDb) => void;
}

export const CACHE_MIGRATIONS: readonly CacheMigration[] = [
  {
    version: 1,
    name: 'metrics',
    sql: `
      -- Series are keyed by (name, canonical labels) so a capsule from another server merges
      -- by identity; server_id maps the profile's server ids onto local ids.
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        server_id INTEGER UNIQUE,
        name TEXT NOT NULL,
        labels TEXT NOT NULL,
        UNIQUE (name, labels)
      );
      -- One row per (series, timestamp): a re-delivered sample overwrites, never duplicates.
      CREATE TABLE samples (
        series_id INTEGER NOT NULL REFERENCES series (id),
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        score REAL,
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
      -- Where each collection's sync stands: an opaque server cursor and when it last caught up.
      CREATE TABLE sync_cursors (
        collection TEXT PRIMARY KEY,
        cursor TEXT,
        caught_up_at INTEGER
      );
    `,
  },
  {
    version: 2,
    name: 'incidents',
    sql: `
      -- Server documents are kept whole (JSON), beside the columns the cache queries on.
      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER,
        starts_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );
      CREATE INDEX alerts_incident ON alerts (incident_id);
      CREATE TABLE timeline_entries (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX timeline_incident ON timeline_entries (incident_id, ts);
      -- The server's export bundle, stored as received for offline review.
      CREATE TABLE incident_exports (
        incident_id INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      );
      -- "Keep offline": a window of an incident's series that eviction never touches.
      CREATE TABLE pins (
        incident_id INTEGER PRIMARY KEY,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        pinned_at INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('server', 'capsule'))
      );
      CREATE TABLE pin_series (
        incident_id INTEGER NOT NULL REFERENCES pins (incident_id) ON DELETE CASCADE,
        series_id INTEGER NOT NULL REFERENCES series (id),
        PRIMARY KEY (incident_id, series_id)
      ) WITHOUT ROWID;
      CREATE INDEX pin_series_series ON pin_series (series_id);
    `,
  },
  {
    version: 3,
    name: 'source-ranges',
    sql: `
      -- "Keep offline" of an incident whose metrics panel shows data-source (PromQL)
      -- queries: each query's answer over the pinned window, in Prometheus's own JSON shape
      -- as the proxy sent it. Kept with the pin and released with it.
      CREATE TABLE source_ranges (
        incident_id INTEGER NOT NULL,
        datasource_id INTEGER NOT NULL,
        query TEXT NOT NULL,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (incident_id, datasource_id, query)
      );
      CREATE INDEX source_ranges_query ON source_ranges (datasource_id, query);
    `,
  },
  {
    version: 4,
    name: 'sample-chunks',
    sql: `
      -- Samples as compressed chunks in the server's format (shared/metrics/chunk-codec.ts):
      -- one row per series and ~120 samples, the chunk's first and last timestamp and its
      -- count as the index, the blob holding timestamps, values and (once any sample in it
      -- is scored) anomaly scores. Chunks of a series never overlap. The rows of samples are
      -- moved over by moveSamplesToChunks, which then drops the old table.
      CREATE TABLE sample_chunks (
        series_id INTEGER NOT NULL REFERENCES series (id),
        start_ts INTEGER NOT NULL,
        end_ts INTEGER NOT NULL,
        count INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (series_id, start_ts)
      ) WITHOUT ROWID;
    `,
    run: moveSamplesToChunks,
  },
];
