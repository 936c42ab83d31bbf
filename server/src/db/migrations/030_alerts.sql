-- Alerts, their state history, silences, incidents and the incident timeline.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
  severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  -- Lower-cased labels and annotations, for text search.
  search_text TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  -- Firing alerts with no news by then are resolved by the server (anomalies, Alertmanager endsAt).
  expires_at INTEGER,
  last_seen_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  occurrences INTEGER NOT NULL DEFAULT 1,
  silenced_by TEXT NOT NULL DEFAULT '[]',
  acknowledged_by TEXT,
  acknowledged_at INTEGER,
  ack_comment TEXT,
  incident_id INTEGER REFERENCES incidents (id),
  generator_url TEXT
);
CREATE INDEX alerts_state ON alerts (state, updated_at);
CREATE INDEX alerts_starts ON alerts (starts_at);
CREATE INDEX alerts_incident ON alerts (incident_id);
CREATE INDEX alerts_expires ON alerts (expires_at) WHERE expires_at IS NOT NULL AND state != 'resolved';

CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  ts INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  comment TEXT
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

CREATE TABLE silences (
  id INTEGER PRIMARY KEY,
  matchers TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expired_by TEXT
);
CREATE INDEX silences_ends ON silences (ends_at);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'mitigated', 'resolved')),
  commander TEXT,
  group_key TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  mitigated_at INTEGER,
  resolved_at INTEGER,
  merged_into INTEGER REFERENCES incidents (id),
  updated_at INTEGER NOT NULL
);
CREATE INDEX incidents_group ON incidents (group_key, status, last_activity_at);
CREATE INDEX incidents_opened ON incidents (opened_at);

CREATE TABLE incident_timeline (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents (id),
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  alert_id INTEGER REFERENCES alerts (id),
  text TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  edited_at INTEGER,
  deleted_at INTEGER,
  deleted_by TEXT
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, ts, id);

-- Notes are never silently changed: every edit and deletion keeps the text it replaced.
CREATE TABLE note_revisions (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES incident_timeline (id),
  text TEXT NOT NULL,
  replaced_at INTEGER NOT NULL,
  replaced_by TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('edit', 'delete'))
);
CREATE INDEX note_revisions_entry ON note_revisions (entry_id, id);
CREATE TRIGGER note_revisions_no_update BEFORE UPDATE ON note_revisions
BEGIN SELECT RAISE(ABORT, 'note_revisions is append-only'); END;
CREATE TRIGGER note_revisions_no_delete BEFORE DELETE ON note_revisions
BEGIN SELECT RAISE(ABORT, 'note_revisions is append-only'); END;
CREATE TRIGGER incident_timeline_no_delete BEFORE DELETE ON incident_timeline
BEGIN SELECT RAISE(ABORT, 'incident_timeline entries are soft-deleted, never removed'); END;
