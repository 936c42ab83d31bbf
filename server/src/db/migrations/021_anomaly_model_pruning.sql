-- Model versions no longer needed for scoring or roll-back keep their row (history, and the
-- anomaly events that name them) but not their serialized model: pruned_at says when it went.
ALTER TABLE anomaly_models ADD COLUMN pruned_at INTEGER;
