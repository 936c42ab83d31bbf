-- Security state that every server replica must agree on, moved out of process memory and
-- the data folder into the database (issue 16): failed-login counters (lockout), the rate
-- limiter's counters, and the JWT signing keys (formerly jwt-keys.json, imported once).
CREATE TABLE login_counters (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);

CREATE TABLE rate_limit_counters (
  key TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
