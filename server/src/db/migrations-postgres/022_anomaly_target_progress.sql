-- Where each anomaly target of the embedded store stands (server/src/anomaly/progress-store.ts),
-- as the replica scoring it last wrote: any replica answers /anomaly/status and
-- /anomaly/training for the whole cluster. PostgreSQL only: a single SQLite server answers
-- from memory. Derived state, rewritten every minute, so `smartcloudops migrate` skips it.
CREATE TABLE anomaly_target_progress (
  target TEXT PRIMARY KEY,
  scored_by TEXT NOT NULL,
  -- JSON: the target's TrainingProgress and its status entry (rows, models).
  progress TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Each replica's anomaly scoring backlog (sample times stored and not scored yet), written
-- every second: ingest on any replica sheds load (503) while one replica's backlog is full,
-- since an ingest through any replica feeds the targets every replica scores.
CREATE TABLE anomaly_replica_backlog (
  replica TEXT PRIMARY KEY,
  waiting BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
