-- Anomaly watches over data source queries (docs/datasources.md). Models live in memory
-- (rebuilt from the source's history at start); scores are kept per series and sample.
CREATE TABLE anomaly_watches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  datasource_id INTEGER NOT NULL REFERENCES datasources (id) ON DELETE CASCADE,
  query TEXT NOT NULL,
  step_seconds INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_ts INTEGER,
  last_error TEXT
);

CREATE TABLE anomaly_watch_scores (
  watch_id INTEGER NOT NULL REFERENCES anomaly_watches (id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  score REAL NOT NULL,
  anomaly INTEGER NOT NULL,
  PRIMARY KEY (watch_id, series_key, ts)
) WITHOUT ROWID;
