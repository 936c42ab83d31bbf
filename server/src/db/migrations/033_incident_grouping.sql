-- Incident grouping set by an admin from the console (incidents own 030-039). One row at
-- most; a NULL part follows the default (the SMARTCLOUDOPS_INCIDENT_* variables, else the
-- built-in policy), so resetting a part is writing NULL, not remembering the old value.
CREATE TABLE incident_grouping_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  -- JSON array of group-by entries (`alertname`, `service|job`).
  group_by TEXT,
  window_minutes INTEGER CHECK (window_minutes IS NULL OR window_minutes BETWEEN 1 AND 10080),
  auto_resolve INTEGER CHECK (auto_resolve IS NULL OR auto_resolve IN (0, 1)),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
