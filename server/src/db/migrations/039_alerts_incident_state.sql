-- An incident's counts (all, firing, acknowledged alerts) are read on every alert event of
-- a batch: with the state in the index they are one covering index range, not a table
-- lookup per alert of the incident. The new index also serves every incident_id lookup.
CREATE INDEX alerts_incident_state ON alerts (incident_id, state);
DROP INDEX alerts_incident;
