-- Moderator cases, their audit log, and the alert outbox (CRISIS.md §6).
-- Plain DDL: the runner wraps this file in one transaction. Times are ISO-8601 UTC strings
-- (Date.toISOString), which sort lexicographically in time order.

-- One row per crisis case. "Active" means not resolved; at most one active case per user
-- and conversation, so repeated signals update the case instead of raising new alerts.
CREATE TABLE cases (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_key TEXT NOT NULL,
  conversation_key TEXT NOT NULL,
  platform TEXT NOT NULL,
  conversation_json TEXT NOT NULL,
  is_direct INTEGER NOT NULL CHECK (is_direct IN (0, 1)),
  user_id TEXT NOT NULL,
  user_display_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  level TEXT NOT NULL CHECK (level IN ('none', 'low', 'moderate', 'high', 'imminent')),
  reasons_json TEXT NOT NULL,
  excerpt TEXT NOT NULL,
  country TEXT,
  resources_sent_json TEXT NOT NULL,
  reached_privately INTEGER NOT NULL CHECK (reached_privately IN (0, 1)),
  policy_version TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  opened_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  -- When resources were last sent in this case, and at which level (resend interval).
  resources_at TEXT,
  resources_level TEXT,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  resolved_at TEXT,
  resolved_by TEXT,
  outcome TEXT CHECK (outcome IS NULL OR outcome IN
    ('false_positive', 'resources_accepted', 'reached_service', 'emergency', 'unknown')),
  -- When the next re-alert is due while nobody has acknowledged; NULL once acknowledged.
  next_realert_at TEXT
);

CREATE UNIQUE INDEX cases_one_active_per_user_conversation
  ON cases (user_key, conversation_key) WHERE status <> 'resolved';
CREATE INDEX cases_status_opened ON cases (status, opened_at);
CREATE INDEX cases_realert_due ON cases (status, next_realert_at);
CREATE INDEX cases_user ON cases (user_key);

-- The platform message that produced a signal: makes a redelivered message a no-op.
CREATE TABLE case_signals (
  platform TEXT NOT NULL,
  message_id TEXT NOT NULL,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  level TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (platform, message_id)
);
CREATE INDEX case_signals_case ON case_signals (case_id);

-- Audit log: every system and moderator action, and every refused attempt.
-- case_id is NULL for a refused attempt on a case id that does not exist.
CREATE TABLE case_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER REFERENCES cases (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  actor TEXT,
  at TEXT,
  note TEXT,
  policy_version TEXT,
  detail_json TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE INDEX case_events_at ON case_events (at);

-- One row per alert (new, escalated, realert, update); the id is the sinks' idempotency key.
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'escalated', 'realert', 'update')),
  level TEXT NOT NULL,
  priority TEXT NOT NULL CHECK (priority IN ('normal', 'high', 'urgent')),
  created_at TEXT NOT NULL
);
CREATE INDEX alerts_case ON alerts (case_id, id);

-- The outbox: one row per alert per sink, written in the same transaction as the case change.
-- A row is never deleted before it is delivered (retention only removes resolved cases).
CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  sink TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  -- A worker claims a row before sending so two drains never send it concurrently.
  claim_token TEXT,
  claimed_until TEXT,
  delivered_at TEXT,
  last_error TEXT,
  last_attempt_at TEXT,
  ref TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (alert_id, sink)
);
CREATE INDEX alert_outbox_pending ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX alert_outbox_case ON alert_outbox (case_id);
