-- The resource-delivery queue (issue 12 item 3, "delivery truth"): crisis resources count as
-- sent only when the platform confirmed the send. Every resource message is written here
-- before it is sent; a send that fails stays queued and is retried with backoff (like the alert
-- outbox) until it is delivered or superseded by a newer message for the same person.
-- Plain DDL: the runner wraps this file in one transaction. Times are ISO-8601 UTC strings.

CREATE TABLE resource_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The case the resources belong to; NULL when the case could not be opened (store trouble).
  case_id INTEGER REFERENCES cases (id) ON DELETE CASCADE,
  user_key TEXT NOT NULL,
  -- Where the message goes (the DM, or the group thread when DMs are closed), as JSON.
  conversation_json TEXT NOT NULL,
  -- What to render when sending (re-rendered at each try, so a retry shows current texts):
  place TEXT NOT NULL CHECK (place IN ('private', 'private-unreachable')),
  level TEXT NOT NULL CHECK (level IN ('none', 'low', 'moderate', 'high', 'imminent')),
  country TEXT,
  locale TEXT NOT NULL,
  about TEXT NOT NULL CHECK (about IN ('self', 'other')),
  resource_ids_json TEXT NOT NULL,
  reply_to_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  claim_token TEXT,
  claimed_until TEXT,
  last_attempt_at TEXT,
  last_error TEXT,
  delivered_at TEXT,
  -- Platform id of the message that carried the resources.
  ref TEXT,
  -- A newer delivery for the same person and place replaced this one before it went out.
  superseded_at TEXT,
  created_at TEXT NOT NULL
);

CREATE INDEX resource_deliveries_pending ON resource_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND superseded_at IS NULL;
CREATE INDEX resource_deliveries_user ON resource_deliveries (user_key, id);
CREATE INDEX resource_deliveries_case ON resource_deliveries (case_id);
