-- Where each anomaly watch is scored and how it stands (twin of migrations-postgres/064):
-- with replicas one replica scores a watch (docs/datasources.md, "Replicas"), and any of
-- them answers the API, so the scoring replica writes its view here after every pull.
ALTER TABLE anomaly_watches ADD COLUMN scored_by TEXT;
ALTER TABLE anomaly_watches ADD COLUMN state TEXT;
ALTER TABLE anomaly_watches ADD COLUMN anomalies INTEGER NOT NULL DEFAULT 0;
-- The series summary the API shows (key, labels, ready, samples, last time and score), JSON.
ALTER TABLE anomaly_watches ADD COLUMN series_json TEXT;
