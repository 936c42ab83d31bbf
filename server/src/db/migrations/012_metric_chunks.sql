-- Metrics as compressed chunks (shared/metrics/chunk-codec.ts): about 120 samples of one
-- series per BLOB, with a small index. The newest samples of each series wait in
-- metric_head (written in the same transaction as the acknowledgement, so they survive
-- kill -9) until there are enough for a chunk. Invariant: a series' head samples are newer
-- than its newest chunk, and its chunks never overlap. The old row-per-sample tables are
-- converted by the store at start-up (server/src/metrics/legacy-migration.ts).
CREATE TABLE metric_chunks (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  count INTEGER NOT NULL,
  -- Newest export position among the chunk's samples: the export hands out whole chunks.
  max_seq INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE UNIQUE INDEX metric_chunks_series ON metric_chunks (series_id, start_ts);
CREATE INDEX metric_chunks_export ON metric_chunks (max_seq);

CREATE TABLE metric_head (
  series_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;
CREATE INDEX metric_head_export ON metric_head (seq);

-- 1 m and 1 h rollups, 120 buckets a chunk in windows aligned to 120 × width, columns
-- min, max, sum, count, last. Minutes are stored only once retention removes their raw
-- samples (until then they are derived from raw; server/src/metrics/rollups.ts).
CREATE TABLE metric_rollup_chunks (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  width INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE UNIQUE INDEX metric_rollup_chunks_window ON metric_rollup_chunks (series_id, width, window_start);

-- Time ranges written but not yet rolled up, written in the same transaction as the
-- samples: a restart (clean or kill -9) finishes the work instead of losing it.
CREATE TABLE metric_rollup_pending (
  series_id INTEGER PRIMARY KEY,
  from_ts INTEGER NOT NULL,
  to_ts INTEGER NOT NULL
);

-- Anomaly scores, one per target and time (every series of a target at one time shares
-- it), chunked like samples.
CREATE TABLE metric_score_targets (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL UNIQUE
);
CREATE TABLE metric_score_chunks (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  count INTEGER NOT NULL,
  max_seq INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE UNIQUE INDEX metric_score_chunks_series ON metric_score_chunks (series_id, start_ts);
CREATE TABLE metric_score_head (
  series_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;
