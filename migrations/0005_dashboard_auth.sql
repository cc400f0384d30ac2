-- Moderator dashboard sign-in (src/dashboard). Plain DDL: the runner wraps this file in one transaction.
-- Only SHA-256 hashes of link and session tokens are stored: a copy of the database lets nobody in.

-- One-time sign-in links, valid for minutes. used_at is set by the one request that redeems the
-- link, so a replayed link is refused; expired and used rows are purged on a timer.
CREATE TABLE dashboard_links (
  token_hash TEXT PRIMARY KEY,
  user_key TEXT NOT NULL,        -- platform:userId of the moderator the link was issued to
  display_name TEXT NOT NULL,
  role_ids_json TEXT NOT NULL,   -- moderator roles the person held when asking (Discord)
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX dashboard_links_expires ON dashboard_links (expires_at);

-- Signed-in browsers. The cookie holds the token; the row its hash. Idle and absolute limits are
-- checked on every request, and so is whether the person is still a moderator.
CREATE TABLE dashboard_sessions (
  token_hash TEXT PRIMARY KEY,
  user_key TEXT NOT NULL,
  display_name TEXT NOT NULL,
  role_ids_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_key);
CREATE INDEX dashboard_sessions_last_seen ON dashboard_sessions (last_seen_at);
