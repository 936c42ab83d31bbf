-- Twin of migrations/041_runbook_run_claims.sql: the lease of the replica carrying a run out.
-- Queued runs are claimed with FOR UPDATE SKIP LOCKED, so each runs once across the cluster.
ALTER TABLE runbook_runs ADD COLUMN claimed_until BIGINT;
CREATE INDEX runbook_runs_claims ON runbook_runs (state, claimed_until);
