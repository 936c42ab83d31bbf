-- A cancel asked for a running runbook run (docs/runbooks.md, Cancel): stored on the run's row,
-- so the replica carrying the run out sees it wherever the request arrived. It checks its
-- runs in flight for it every second (Runner) and before each step.
ALTER TABLE runbook_runs ADD COLUMN cancel_requested_at INTEGER;
ALTER TABLE runbook_runs ADD COLUMN cancel_requested_by TEXT;
ALTER TABLE runbook_runs ADD COLUMN cancel_reason TEXT;
