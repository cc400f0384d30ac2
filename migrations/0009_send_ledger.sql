-- The send ledger (issue 17 item 2): every message the bot sends where the platform offers no
-- idempotency key (Telegram) is marked here before the send and given its message id after.
-- A mark left without an id by a crash is settled by a read-back (adapters/telegram/read-back.ts)
-- before the message is sent again. Plain DDL: the runner wraps this file in one transaction.
CREATE TABLE send_ledger (
  -- Stable per purpose ('resources:<row>#0', 'a<alertId>#0', 'reply:<message>#0'), or random.
  send_key   TEXT PRIMARY KEY,
  platform   TEXT NOT NULL,
  chat_id    TEXT NOT NULL,
  -- A message id that existed in the chat before the mark was written: the sent one is above it.
  floor_id   INTEGER NOT NULL,
  -- The inline keyboard sent with the message (JSON), or NULL: the read-back probes with it.
  markup     TEXT,
  -- Set once the platform answered with the message's id; NULL while the send is in flight.
  message_id INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX send_ledger_chat ON send_ledger (platform, chat_id);
CREATE INDEX send_ledger_created ON send_ledger (created_at);
