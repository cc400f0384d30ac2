-- A link to the triggering message in moderator alerts (CRISIS.md §6), and alerts held for a
-- digest (policies/escalation.yaml `digest`). Plain DDL: the runner wraps this file in one transaction.

-- The platform message id (InboundMessage.id) of the signal that opened or last escalated the
-- case: the message whose excerpt the alert shows. NULL after /forget.
ALTER TABLE cases ADD COLUMN message_id TEXT;

-- Cases opened before this migration: the earliest signal at the case's current level.
UPDATE cases SET message_id = (
  SELECT s.message_id FROM case_signals s
  WHERE s.case_id = cases.id AND s.level = cases.level
  ORDER BY s.at, s.rowid LIMIT 1
);

-- Non-NULL: the row waits for the digest due at this time (next_attempt_at starts equal to it)
-- and is delivered with the other held rows of its sink as one digest message. A held row is an
-- ordinary outbox row: never deleted before it is delivered, retried like any other.
ALTER TABLE alert_outbox ADD COLUMN digest_at TEXT;

CREATE INDEX alert_outbox_digest_pending ON alert_outbox (sink, next_attempt_at)
  WHERE delivered_at IS NULL AND digest_at IS NOT NULL;
