-- The replica carrying a runbook run out, on the run's row (docs/runbooks.md, replicas):
-- `claimed_by` is its replica id, `lease_beat` counts its lease renewals. Another replica's
-- recovery pass takes a running run for a dead replica's only once its lease lapsed and it
-- has itself watched the beat stand still for a whole lease: after a database outage that
-- every replica shared, every lease reads lapsed, and a live owner's next renewal moves the beat.
ALTER TABLE runbook_runs ADD COLUMN claimed_by TEXT;
ALTER TABLE runbook_runs ADD COLUMN lease_beat INTEGER NOT NULL DEFAULT 0;
