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
