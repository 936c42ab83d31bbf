-- Twin of migrations/035_webhook_delivery_claims.sql: the claim a replica's dispatcher puts
-- on the deliveries it is sending (taken with FOR UPDATE SKIP LOCKED), so each is sent once
-- across the cluster; a claim of a replica that died lapses and another replica sends it.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until BIGINT;
