-- Twin of migrations/075_audit_retention.sql: deletes from the audit log only for entries
-- older than a permit the retention's pruning writes in its own transaction and removes
-- before it commits (uncommitted, no other session sees it). UPDATE and TRUNCATE stay refused.
CREATE TABLE audit_prune_permit (
  before_ts BIGINT NOT NULL
);

CREATE FUNCTION audit_log_delete_permitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_prune_permit WHERE OLD.ts < before_ts) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
DROP TRIGGER audit_log_no_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_delete_permitted();
CREATE TRIGGER audit_prune_permit_no_update BEFORE UPDATE ON audit_prune_permit FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
