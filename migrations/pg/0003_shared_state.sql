-- The twin of migrations/0007_shared_state.sql: rate buckets and private reachability, shared
-- by every instance (issue 14 item 2). Plain DDL: the runner wraps this file in one transaction.

-- One token bucket per person (platformUserKey). Taken with one upsert, so two instances taking
-- from the same bucket at once serialize on the row and neither overdraws it.
CREATE TABLE rate_buckets (
  user_key   TEXT PRIMARY KEY,
  tokens     DOUBLE PRECISION NOT NULL,
  updated_at BIGINT NOT NULL,
  notified   SMALLINT NOT NULL DEFAULT 0
);
CREATE INDEX rate_buckets_updated_at ON rate_buckets (updated_at);

-- Whether the bot can message a person privately: 'open' (they wrote privately), 'closed' (the
-- platform refused, until `until`, unix ms, NULL for no expiry); `channel_id` where one exists.
CREATE TABLE direct_reach (
  user_key   TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  channel_id TEXT,
  until      BIGINT,
  updated_at BIGINT NOT NULL
);
