-- The lease of the server carrying a runbook run out (docs/deploy.md, replicas): a queued run
-- is claimed by one server (on PostgreSQL with FOR UPDATE SKIP LOCKED) before it starts, and
-- a running run's lease is renewed while its steps execute. A run whose lease lapsed belongs
-- to a server that died: it is recorded interrupted (running) or started elsewhere (queued).
ALTER TABLE runbook_runs ADD COLUMN claimed_until INTEGER;
CREATE INDEX runbook_runs_claims ON runbook_runs (state, claimed_until);
