-- Audit retention (docs/server.md, "Audit log"): the log stays append-only for everything
-- but the retention's pruning. A delete is allowed only for entries older than a permit
-- that the pruning writes in its own transaction and removes before it commits, so no
-- other statement (and no permit left behind) can remove history, and the pruning itself
-- cannot remove entries newer than the cutoff it announced.
CREATE TABLE audit_prune_permit (
  before_ts INTEGER NOT NULL
);

DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_prune_permit WHERE OLD.ts < before_ts)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- A permit is only ever written and removed inside one pruning transaction.
CREATE TRIGGER audit_prune_permit_no_update BEFORE UPDATE ON audit_prune_permit
BEGIN SELECT RAISE(ABORT, 'audit_prune_permit cannot be changed'); END;
