-- A series' identity was UNIQUE (name, labels), a B-tree over the whole canonical label JSON.
-- A B-tree entry holds at most 2,704 bytes, so a label set wider than that (after
-- PostgreSQL's compression: 32 labels of 128 random characters, within the ingest API's
-- bounds; kube-state-metrics' kube_pod_labels in a scrape) could not be inserted: the whole
-- append failed, and with it a scrape's every sample and its `up`. The identity is now kept
-- on the two strings' MD5 (immutable, 32 characters each): the appends take turns on the
-- export-state row and look a series up in memory, so this index is a guard, not a path.
-- No SQLite twin: SQLite's indexes have no such bound.
ALTER TABLE metric_series DROP CONSTRAINT metric_series_name_labels_key;
CREATE UNIQUE INDEX metric_series_identity ON metric_series (md5(name), md5(labels));
