-- PostgreSQL twin of migrations/039_alerts_incident_state.sql: an incident's counts (all,
-- firing, acknowledged alerts) from one range of an (incident_id, state) index, which also
-- serves every incident_id lookup (030's twin never had the single-column index to drop).
CREATE INDEX alerts_incident_state ON alerts (incident_id, state);
