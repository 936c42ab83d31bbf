-- Slack request signatures already received, until they would be stale anyway: a captured
-- request replayed within Slack's freshness window is refused by every replica and after a
-- restart (the memory of each process was per process: one replay per replica, and one after
-- each restart). Only the signature's SHA-256 is kept.
CREATE TABLE slack_request_signatures (
  signature_hash TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX slack_request_signatures_expires ON slack_request_signatures (expires_at);
