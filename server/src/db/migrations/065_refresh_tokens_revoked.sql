-- Revoked refresh tokens by family (twin of migrations-postgres/065): every authenticated
-- request asks whether its session has a revoked token, and with the family index alone that
-- read every token the session ever had (one per refresh, ~2,900 in a month-long browser
-- session: +230 µs per request). Only revoked rows are indexed, so the index stays small.
CREATE INDEX refresh_tokens_family_revoked ON refresh_tokens (family) WHERE revoked_at IS NOT NULL;
