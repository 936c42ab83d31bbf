-- PostgreSQL twin of migrations/065_refresh_tokens_revoked.sql: revoked refresh tokens by family,
-- so a request's session check does not read every token the session ever had.
CREATE INDEX refresh_tokens_family_revoked ON refresh_tokens (family) WHERE revoked_at IS NOT NULL;
