-- The twin of migrations/0008_gateway_sessions.sql: each Discord shard's last gateway session,
-- so the instance that takes a shard over can resume it, and the IDENTIFY slots every instance
-- takes from. Plain DDL: the runner wraps this file in one transaction.

-- The last session each shard ran ('discord:<shard>'); `sequence` only grows within a session.
CREATE TABLE gateway_sessions (
  shard_key   TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  resume_url  TEXT NOT NULL,
  sequence    BIGINT NOT NULL,
  shard_count INTEGER NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- When each IDENTIFY rate bucket may identify next (unix ms). One upsert takes a free slot, so
-- two instances asking at once never both get it.
CREATE TABLE identify_slots (
  bucket  TEXT PRIMARY KEY,
  next_at BIGINT NOT NULL
);
