-- Threshold rules with their persisted evaluation state, and outbound webhooks with a
-- durable delivery queue.
CREATE TABLE alert_rules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  selector TEXT NOT NULL,
  condition TEXT NOT NULL,
  window_seconds INTEGER NOT NULL,
  for_seconds INTEGER NOT NULL,
  severity TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_evaluated_at INTEGER,
  last_error TEXT
);

-- One row per series that currently meets a rule's condition: pending until `for` has
-- passed, then firing. Persisted so a restart neither loses the pending time nor fires twice.
CREATE TABLE alert_rule_series (
  rule_id INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  series_key TEXT NOT NULL,
  labels TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing')),
  since INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (rule_id, series_key)
);

CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('json', 'slack')),
  min_severity TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
