-- Prometheus-compatible data sources (docs/datasources.md). The credential secret is
-- stored only encrypted (AES-256-GCM, key file in the data folder): `secret` holds
-- iv || tag || ciphertext; the non-secret part of the credentials (type, username) is plain.
CREATE TABLE datasources (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('prometheus')),
  url TEXT NOT NULL,
  auth_type TEXT CHECK (auth_type IN ('basic', 'bearer')),
  auth_username TEXT,
  secret BLOB,
  tls_skip_verify INTEGER NOT NULL DEFAULT 0,
  timeout_seconds INTEGER NOT NULL,
  scrape_interval_seconds INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
