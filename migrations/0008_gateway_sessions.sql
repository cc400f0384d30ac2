-- Gateway bookkeeping for platforms with a persistent connection (Discord shards), kept in the
-- store so that whoever runs a shard next (another instance, or this one after a restart) can
-- resume the session the last holder left, and so that IDENTIFY stays within the platform's
-- rate limit across instances. Plain DDL: the runner wraps this file in one transaction.

-- The last session each shard ran ('discord:<shard>'). `sequence` is the last event the holder
-- received; a RESUME from it makes the gateway replay what came after. Overwritten when the
-- shard starts a new session; rows are a few per bot, never per person.
CREATE TABLE gateway_sessions (
  shard_key   TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  resume_url  TEXT NOT NULL,
  sequence    INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- When each IDENTIFY rate bucket ('discord:identify:<shard id % max_concurrency>') may identify
-- next (unix ms). Taking the slot moves `next_at` forward in one statement.
CREATE TABLE identify_slots (
  bucket  TEXT PRIMARY KEY,
  next_at INTEGER NOT NULL
);
