-- ChatOps: who a chat user is here, pending confirmations of state-changing commands,
-- and the history of what each user asked.

-- A Slack or Mattermost user mapped to one of our users by an admin; nothing is guessed
-- from names or e-mail addresses.
CREATE TABLE chat_user_mappings (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL CHECK (platform IN ('slack', 'mattermost')),
  -- Workspace / team id; '' when the platform has a single team.
  team_id TEXT NOT NULL DEFAULT '',
  chat_user_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (platform, team_id, chat_user_id)
);

-- A state-changing command waiting for its confirmation. Only the SHA-256 of the token is
-- kept; it is bound to the user who asked and to the parsed command, used once.
CREATE TABLE chat_confirmations (
  token_hash TEXT PRIMARY KEY,
  user_key TEXT NOT NULL,
  text TEXT NOT NULL,
  command TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX chat_confirmations_expiry ON chat_confirmations (expires_at);

CREATE TABLE chat_history (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  user_key TEXT NOT NULL,
  actor TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('console', 'slack')),
  text TEXT NOT NULL,
  intent TEXT NOT NULL,
  answer_kind TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX chat_history_user ON chat_history (user_key, id);
