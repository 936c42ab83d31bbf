-- Addresses a user has signed in from; see migrations/077_login_known_addresses.sql.
CREATE TABLE login_known_addresses (
  key TEXT PRIMARY KEY,
  last_success BIGINT NOT NULL
);
