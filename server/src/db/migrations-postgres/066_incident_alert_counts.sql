-- PostgreSQL twin of migrations/066_incident_alert_counts.sql: an incident's counts of its
-- alerts (all, firing, acknowledged) kept in its row by triggers on alerts, in the same
-- transaction as the alerts' change. Per statement, from its transition tables: a batch
-- INSERT of 100 alerts (one unnest) updates each of its incidents once, not once an alert.
-- (`smartcloudops migrate` copies alerts after incidents, so the copy counts them once more:
-- it sets the counts from the alerts at its end, copy-to-postgres.ts.)
ALTER TABLE incidents ADD COLUMN alert_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN firing_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN acknowledged_count INTEGER NOT NULL DEFAULT 0;

UPDATE incidents AS i SET alert_count = c.alerts, firing_count = c.firing, acknowledged_count = c.acknowledged
FROM (
  SELECT incident_id, count(*) AS alerts, count(*) FILTER (WHERE state = 'firing') AS firing, count(*) FILTER (WHERE state = 'acknowledged') AS acknowledged
  FROM alerts WHERE incident_id IS NOT NULL GROUP BY incident_id
) AS c
WHERE i.id = c.incident_id;

-- Each statement's changes as (incident, +1 or -1, state) rows, summed per incident in one UPDATE.
CREATE FUNCTION alerts_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incidents AS i SET alert_count = i.alert_count + d.alerts, firing_count = i.firing_count + d.firing, acknowledged_count = i.acknowledged_count + d.acknowledged
  FROM (
    SELECT incident_id, count(*) AS alerts, count(*) FILTER (WHERE state = 'firing') AS firing, count(*) FILTER (WHERE state = 'acknowledged') AS acknowledged
    FROM new_rows WHERE incident_id IS NOT NULL GROUP BY incident_id
  ) AS d
  WHERE i.id = d.incident_id;
  RETURN NULL;
END $$;

CREATE FUNCTION alerts_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incidents AS i SET alert_count = i.alert_count - d.alerts, firing_count = i.firing_count - d.firing, acknowledged_count = i.acknowledged_count - d.acknowledged
  FROM (
    SELECT incident_id, count(*) AS alerts, count(*) FILTER (WHERE state = 'firing') AS firing, count(*) FILTER (WHERE state = 'acknowledged') AS acknowledged
    FROM old_rows WHERE incident_id IS NOT NULL GROUP BY incident_id
  ) AS d
  WHERE i.id = d.incident_id;
  RETURN NULL;
END $$;

-- Only rows whose incident or state changed count (a repeat of a firing alert updates neither).
CREATE FUNCTION alerts_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE incidents AS i SET alert_count = i.alert_count + d.alerts, firing_count = i.firing_count + d.firing, acknowledged_count = i.acknowledged_count + d.acknowledged
  FROM (
    SELECT incident_id, sum(sign) AS alerts, coalesce(sum(sign) FILTER (WHERE state = 'firing'), 0) AS firing, coalesce(sum(sign) FILTER (WHERE state = 'acknowledged'), 0) AS acknowledged
    FROM (
      SELECT o.incident_id, -1 AS sign, o.state FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.incident_id IS NOT NULL AND (o.incident_id IS DISTINCT FROM n.incident_id OR o.state IS DISTINCT FROM n.state)
      UNION ALL
      SELECT n.incident_id, 1, n.state FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE n.incident_id IS NOT NULL AND (o.incident_id IS DISTINCT FROM n.incident_id OR o.state IS DISTINCT FROM n.state)
    ) AS changes
    GROUP BY incident_id
  ) AS d
  WHERE i.id = d.incident_id;
  RETURN NULL;
END $$;

CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alerts_count_insert();
CREATE TRIGGER alerts_count_update AFTER UPDATE ON alerts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION alerts_count_update();
CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION alerts_count_delete();
