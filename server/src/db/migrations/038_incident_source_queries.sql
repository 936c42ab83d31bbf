-- Data-source (PromQL) queries on an incident's metrics panel (incidents own 030-039).
-- The data source is referenced by id only: a source removed later leaves the query in
-- place, and charting it answers 404 like any query of an unknown source.
CREATE TABLE incident_source_queries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  datasource_id INTEGER NOT NULL,
  query TEXT NOT NULL,
  title TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX incident_source_queries_incident ON incident_source_queries (incident_id, id);
