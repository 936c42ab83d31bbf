-- A delivery being sent is claimed until this time (Unix ms): the dispatcher of one server
-- (one replica of several) takes due rows by setting it, so no other sends them meanwhile;
-- a claim left by a server that died lapses and another one sends the delivery.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until INTEGER;
