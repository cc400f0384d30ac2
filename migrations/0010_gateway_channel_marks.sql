-- Where each Discord shard's channels stood: per channel the shard saw lately, the newest message
-- id up to which every message was taken (the engine's intake row written). When Discord has
-- dropped a shard's session, so nothing can be replayed, whoever runs the shard next reads the
-- channel's history through REST after this id and hands on what is newer (deduped by message
-- id). Plain DDL: the runner wraps this file in one transaction.
CREATE TABLE gateway_channel_marks (
  shard_key       TEXT NOT NULL,
  channel_id      TEXT NOT NULL,
  -- A snowflake as decimal text; only ever moves forward (compared by length, then digits).
  last_message_id TEXT NOT NULL,
  -- When the shard last saw a message there (unix ms): only recent channels are read back.
  seen_at         INTEGER NOT NULL,
  PRIMARY KEY (shard_key, channel_id)
);
