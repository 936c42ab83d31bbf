-- The live stream's replay log: every event gets the next id (SSE `id:`), so a client
-- resumes from Last-Event-ID across reconnects and server restarts. Pruned to a bound.
CREATE TABLE stream_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  ts INTEGER NOT NULL
);
