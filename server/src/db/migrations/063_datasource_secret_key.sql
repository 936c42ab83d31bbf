-- The data source secrets' shared key row (twin of migrations-postgres/063). Read only on
-- PostgreSQL, where replicas must share the key (docs/datasources.md, "Storage and
-- replicas"); on SQLite the key stays in the data folder's key file, apart from the
-- database, and this table stays empty. Created here too so both databases have the same tables.
CREATE TABLE datasource_secret_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
