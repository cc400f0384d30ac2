-- State that used to live in the bot's memory and must be shared once several instances run
-- on one database (issue 14 item 2). Kept in SQLite too, so both dialects behave alike and a
-- restart keeps it. Plain DDL: the runner wraps this file in one transaction.

-- One token bucket per person (platformUserKey): the rate limiter's state. `tokens` is
-- fractional (refilled continuously); `notified` is 1 once the person was told they are
-- limited in this episode, so the notice itself is not a flood.
CREATE TABLE rate_buckets (
  user_key   TEXT PRIMARY KEY,
  tokens     REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  notified   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX rate_buckets_updated_at ON rate_buckets (updated_at);

-- Whether the bot can message a person privately (platformUserKey): 'open' when they wrote to
-- the bot privately (Telegram allows a bot to message only those), 'closed' when the platform
-- refused a private message, until `until` (unix ms; NULL for no expiry). `channel_id` is the
-- private channel's id where the platform gives one (Discord, Slack).
CREATE TABLE direct_reach (
  user_key   TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  channel_id TEXT,
  until      INTEGER,
  updated_at INTEGER NOT NULL
);
