-- Default host rules (docs/alerts.md, "Default host rules"): CPU, memory, disk and load per
-- core of the hosts the server collects from, as ordinary threshold rules owned by the
-- alerts feature. Seeded once by this migration: an admin may edit, disable or delete them,
-- and a deleted one is not re-created. A rule of the same name an admin made first is kept.
INSERT OR IGNORE INTO alert_rules
  (name, selector, condition, window_seconds, for_seconds, severity, labels, annotations, enabled, created_by, created_at, updated_at)
VALUES
  ('HostHighCpu', 'node_cpu_utilisation_ratio', '{"reducer":"avg","op":">","threshold":0.9}', 300, 600, 'warning', '{}',
   '{"summary":"CPU above 90% on {{labels.host}} for 10 minutes","description":"Average CPU utilisation over 5 minutes is {{value}} (1 = 100%). A default host rule; edit or disable it under Alert rules."}',
   1, 'system', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  ('HostHighMemory', 'node_memory_utilisation_ratio', '{"reducer":"avg","op":">","threshold":0.9}', 300, 600, 'warning', '{}',
   '{"summary":"Memory above 90% on {{labels.host}} for 10 minutes","description":"Average memory utilisation over 5 minutes is {{value}} (1 = 100%). A default host rule; edit or disable it under Alert rules."}',
   1, 'system', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  ('HostDiskFull', 'node_filesystem_utilisation_ratio', '{"reducer":"last","op":">","threshold":0.9}', 300, 300, 'warning', '{}',
   '{"summary":"Filesystem {{labels.mount}} on {{labels.host}} is more than 90% full","description":"Used share of the filesystem is {{value}} (1 = full). A default host rule; edit or disable it under Alert rules."}',
   1, 'system', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER)),
  ('HostHighLoadPerCore', 'node_load1_per_core', '{"reducer":"avg","op":">","threshold":2}', 300, 900, 'warning', '{}',
   '{"summary":"Load above 2 per CPU core on {{labels.host}} for 15 minutes","description":"Average 1-minute load per core over 5 minutes is {{value}}. A default host rule; edit or disable it under Alert rules."}',
   1, 'system', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));
