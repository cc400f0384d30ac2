-- Core conversation storage: inbound dedupe, per-user turns, conversation risk state,
-- and preferences (country per user or per community).

CREATE TABLE processed_messages (
  platform     TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  received_at  INTEGER NOT NULL, -- unix ms
  -- NULL while the message is being handled: a redelivery after a crash mid-handling
  -- (received long ago, never completed) is handled again instead of being dropped.
  completed_at INTEGER,
  PRIMARY KEY (platform, message_id)
) WITHOUT ROWID;

CREATE INDEX processed_messages_received_at ON processed_messages (received_at);

CREATE TABLE turns (
  id              INTEGER PRIMARY KEY,
  context_key     TEXT NOT NULL,   -- one user inside one conversation
  user_key        TEXT NOT NULL,   -- platform:userId, for /forget, export, retention
  role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
  text            TEXT NOT NULL,
  tokens          INTEGER NOT NULL,
  created_at      INTEGER NOT NULL, -- unix ms
  risk_level      TEXT,
  risk_reasons    TEXT,            -- JSON array of reason codes
  policy_version  TEXT,
  crisis          INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX turns_context_recent ON turns (context_key, id DESC);
CREATE INDEX turns_user ON turns (user_key);
CREATE INDEX turns_created_at ON turns (created_at);

CREATE TABLE risk_state (
  context_key  TEXT PRIMARY KEY,
  level        TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE preferences (
  owner_key   TEXT NOT NULL,  -- platform:userId, or community:platform:id
  name        TEXT NOT NULL,
  value       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (owner_key, name)
) WITHOUT ROWID;
