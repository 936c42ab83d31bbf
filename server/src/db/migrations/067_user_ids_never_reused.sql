-- A user's id is never given to another user. `users.id` is a plain INTEGER PRIMARY KEY, so
-- SQLite gave a new user max(id) + 1: delete the newest user and the next one created got
-- their id, and with it whatever still names that id without a foreign key (a runbook
-- run's requester, an incident note's author). The highest id ever given is kept here (a
-- trigger on every insert, the mirror of PostgreSQL users included); new users are created
-- above it (server/src/users/repository.ts). PostgreSQL's identity column never reuses.
CREATE TABLE user_id_high_water (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  last_id INTEGER NOT NULL
);
INSERT INTO user_id_high_water (only, last_id) SELECT 1, coalesce(max(id), 0) FROM users;
CREATE TRIGGER users_id_high_water AFTER INSERT ON users BEGIN
  UPDATE user_id_high_water SET last_id = max(last_id, NEW.id) WHERE only = 1;
END;
