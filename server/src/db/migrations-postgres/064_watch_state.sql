-- PostgreSQL twin of migrations/064_watch_state.sql: the scoring replica of each watch and its view.
ALTER TABLE anomaly_watches ADD COLUMN scored_by TEXT;
ALTER TABLE anomaly_watches ADD COLUMN state TEXT;
ALTER TABLE anomaly_watches ADD COLUMN anomalies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE anomaly_watches ADD COLUMN series_json TEXT;
