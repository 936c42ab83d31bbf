-- Anomaly engine: the model registry (one row per model version of a target) and the
-- anomaly events it raised. Model bytes are the engine's versioned binary format.
CREATE TABLE anomaly_models (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('candidate', 'active', 'retired', 'failed')),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  -- Training window, epoch ms, and its size in feature rows.
  trained_from INTEGER NOT NULL,
  trained_to INTEGER NOT NULL,
  train_rows INTEGER NOT NULL,
  -- JSON: metrics, feature names, forest and detector parameters.
  params TEXT NOT NULL,
  -- JSON: training score quantiles 0..100 and the calibrated threshold.
  score_distribution TEXT NOT NULL,
  -- JSON: evaluation figures (training alarm rate; precision/recall/F1/ROC-AUC when labels exist).
  evaluation TEXT NOT NULL,
  model BLOB NOT NULL,
  bytes INTEGER NOT NULL,
  activated_at INTEGER,
  retired_at INTEGER,
  -- Shadow scoring of a candidate beside the active model (A/B).
  shadow_samples INTEGER NOT NULL DEFAULT 0,
  shadow_agreements INTEGER NOT NULL DEFAULT 0,
  shadow_alarms INTEGER NOT NULL DEFAULT 0,
  shadow_active_alarms INTEGER NOT NULL DEFAULT 0,
  shadow_abs_diff_sum REAL NOT NULL DEFAULT 0,
  UNIQUE (target, version)
);
CREATE INDEX anomaly_models_target_state ON anomaly_models (target, state);

CREATE TABLE anomaly_events (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  ts INTEGER NOT NULL,
  model_id INTEGER NOT NULL REFERENCES anomaly_models (id),
  score REAL NOT NULL,
  threshold REAL NOT NULL,
  summary TEXT NOT NULL,
  -- JSON: the engine's Explanation (metrics and feature contributions).
  explanation TEXT NOT NULL
);
CREATE INDEX anomaly_events_target_ts ON anomaly_events (target, ts);
