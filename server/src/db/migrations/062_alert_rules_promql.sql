-- Threshold rules on a data source (docs/datasources.md): a PromQL expression evaluated on
-- that source instead of a selector on the embedded store. No foreign key: a rule whose
-- source is deleted reports it in last_error instead of vanishing with its firing alerts.
ALTER TABLE alert_rules ADD COLUMN datasource_id INTEGER;
ALTER TABLE alert_rules ADD COLUMN expr TEXT;
