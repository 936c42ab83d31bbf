-- An incident's counts of its alerts (all, firing, acknowledged) kept in its row, so that
-- reading them costs the same for an incident of 5 alerts as of 50,000: every batch of
-- alerts reads the counts of the incidents it touched (docs/alerts.md, "Incident counts").
-- Kept by triggers on alerts, whatever writes them (ingest, acknowledgement, merges,
-- retention), in the same transaction as the alert's own change.
ALTER TABLE incidents ADD COLUMN alert_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN firing_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN acknowledged_count INTEGER NOT NULL DEFAULT 0;

UPDATE incidents SET
  alert_count = (SELECT count(*) FROM alerts WHERE incident_id = incidents.id),
  firing_count = (SELECT count(*) FROM alerts WHERE incident_id = incidents.id AND state = 'firing'),
  acknowledged_count = (SELECT count(*) FROM alerts WHERE incident_id = incidents.id AND state = 'acknowledged');

CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts WHEN NEW.incident_id IS NOT NULL BEGIN
  UPDATE incidents SET
    alert_count = alert_count + 1,
    firing_count = firing_count + (NEW.state = 'firing'),
    acknowledged_count = acknowledged_count + (NEW.state = 'acknowledged')
  WHERE id = NEW.incident_id;
END;

CREATE TRIGGER alerts_count_update AFTER UPDATE OF incident_id, state ON alerts
WHEN OLD.incident_id IS NOT NEW.incident_id OR OLD.state IS NOT NEW.state BEGIN
  UPDATE incidents SET
    alert_count = alert_count - 1,
    firing_count = firing_count - (OLD.state = 'firing'),
    acknowledged_count = acknowledged_count - (OLD.state = 'acknowledged')
  WHERE id = OLD.incident_id;
  UPDATE incidents SET
    alert_count = alert_count + 1,
    firing_count = firing_count + (NEW.state = 'firing'),
    acknowledged_count = acknowledged_count + (NEW.state = 'acknowledged')
  WHERE id = NEW.incident_id;
END;

CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts WHEN OLD.incident_id IS NOT NULL BEGIN
  UPDATE incidents SET
    alert_count = alert_count - 1,
    firing_count = firing_count - (OLD.state = 'firing'),
    acknowledged_count = acknowledged_count - (OLD.state = 'acknowledged')
  WHERE id = OLD.incident_id;
END;
