-- Twin of migrations/071_runbook_run_cancel.sql: a cancel asked for a running run, on its row,
-- so the replica carrying the run out sees it wherever the request arrived.
ALTER TABLE runbook_runs ADD COLUMN cancel_requested_at BIGINT;
ALTER TABLE runbook_runs ADD COLUMN cancel_requested_by TEXT;
ALTER TABLE runbook_runs ADD COLUMN cancel_reason TEXT;
