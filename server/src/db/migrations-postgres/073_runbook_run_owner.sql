-- Twin of migrations/073_runbook_run_owner.sql: the replica carrying a run out (its replica
-- id) and the count of its lease renewals, so another replica's recovery pass tells a live
-- owner (the beat moves) from a dead one (it stands still for a whole lease).
ALTER TABLE runbook_runs ADD COLUMN claimed_by TEXT;
ALTER TABLE runbook_runs ADD COLUMN lease_beat BIGINT NOT NULL DEFAULT 0;
