-- Remediation runbooks (040-049): runs, their steps and approvals. Cooldowns, hourly
-- budgets and the circuit breaker are all computed from these rows, so they survive a
-- restart by construction.
CREATE TABLE runbook_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  runbook_id TEXT NOT NULL,
  title TEXT NOT NULL,
  target TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  params TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}',
  plan TEXT NOT NULL,
  plan_hash TEXT NOT NULL,
  incident_id INTEGER,
  alert_id INTEGER,
  dry_run INTEGER NOT NULL DEFAULT 0,
  trigger TEXT NOT NULL,
  approvals_required INTEGER NOT NULL,
  requested_by TEXT NOT NULL,
  requested_by_kind TEXT NOT NULL,
  requested_by_user_id INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX runbook_runs_by_runbook ON runbook_runs (runbook_id, target, state);
CREATE INDEX runbook_runs_by_state ON runbook_runs (state);
CREATE INDEX runbook_runs_by_started ON runbook_runs (started_at);
CREATE INDEX runbook_runs_by_incident ON runbook_runs (incident_id);

CREATE TABLE runbook_run_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runbook_runs (id),
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  exit_code INTEGER,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  output TEXT NOT NULL DEFAULT '',
  truncated INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX runbook_run_steps_by_run ON runbook_run_steps (run_id, seq);

CREATE TABLE runbook_approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runbook_runs (id),
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  decision TEXT NOT NULL,
  comment TEXT,
  plan_hash TEXT NOT NULL,
  ts INTEGER NOT NULL,
  void INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runbook_approvals_by_run ON runbook_approvals (run_id);
