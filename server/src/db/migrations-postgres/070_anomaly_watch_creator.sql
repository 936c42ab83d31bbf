-- The user who created an anomaly watch (the person: an API key's owner), so the alerts its
-- anomalies raise propose runbook runs as that user, not as the system: four-eyes applies
-- and an auto-mode trigger runs at once only if the creator could have run the runbook.
-- No foreign key: a removed creator's watch keeps running, its proposals then wait for an
-- approval. Watches created before have none and keep proposing as the system.
ALTER TABLE anomaly_watches ADD COLUMN created_by_user_id INTEGER;
