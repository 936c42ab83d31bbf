-- Addresses a user has signed in from (docs/server.md, "Lockout and rate limits"): a
-- username locked by failures from elsewhere stays open from these, each with a failure
-- count of its own, so guessing from strangers' addresses cannot keep the user out.
-- key: `user:<lower-cased name>@<address>`; last_success: ms since the epoch.
CREATE TABLE login_known_addresses (
  key TEXT PRIMARY KEY,
  last_success INTEGER NOT NULL
);
