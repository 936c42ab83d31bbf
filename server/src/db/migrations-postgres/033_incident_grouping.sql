-- PostgreSQL twin of migrations/033_incident_grouping.sql: incident grouping as an admin set
-- it, one row at most, shared by every replica (each keeps a copy in memory, refreshed).
CREATE TABLE incident_grouping_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  group_by TEXT,
  window_minutes INTEGER CHECK (window_minutes IS NULL OR window_minutes BETWEEN 1 AND 10080),
  auto_resolve INTEGER CHECK (auto_resolve IS NULL OR auto_resolve IN (0, 1)),
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
