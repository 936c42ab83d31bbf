-- The secrets' key when SMARTCLOUDOPS_DATASOURCE_KEY is not set (docs/datasources.md):
-- one row, written by the first replica (the key of its data folder if it had one), read
-- by all, so every replica decrypts what another sealed. Read only on PostgreSQL: on SQLite the
-- key stays in the data folder's key file (the SQLite twin stays empty).
CREATE TABLE datasource_secret_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
