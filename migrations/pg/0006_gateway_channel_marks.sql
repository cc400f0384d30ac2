-- The twin of migrations/0010_gateway_channel_marks.sql: per Discord shard and channel seen lately,
-- the message id up to which every message was taken, so that after Discord dropped the shard's
-- session its next holder can read the channel's history after it through REST. Plain DDL: the
-- runner wraps this file in one transaction.
CREATE TABLE gateway_channel_marks (
  shard_key       TEXT NOT NULL,
  channel_id      TEXT NOT NULL,
  -- A snowflake as decimal text; only ever moves forward (compared by length, then digits).
  last_message_id TEXT NOT NULL,
  seen_at         BIGINT NOT NULL,
  PRIMARY KEY (shard_key, channel_id)
);
