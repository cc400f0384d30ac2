-- Crash-safe intake (issue 17): a platform delivery is recorded together with the message
-- itself before the platform is acknowledged, so a message whose handling a crash cut short
-- is resumed from here at the next start instead of waiting for a redelivery.
-- Plain DDL: the runner wraps this file in one transaction.

-- The received InboundMessage as JSON while it is unfinished; NULL once it was handled (the
-- text then lives only in turns, under the user's retention and /forget).
ALTER TABLE processed_messages ADD COLUMN payload_json TEXT;
-- platformUserKey() of the author, so /forget finds the person's deliveries.
ALTER TABLE processed_messages ADD COLUMN user_key TEXT;
-- How often a start resumed this message: a message that keeps failing is given up after a few.
ALTER TABLE processed_messages ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0;
-- Crisis resources for this message: NULL undecided, 'due' decided and not yet confirmed sent,
-- 'sent' confirmed by the platform, 'none' not due. A resumed message sends what is 'due'.
ALTER TABLE processed_messages ADD COLUMN resources TEXT;

CREATE INDEX processed_messages_unfinished ON processed_messages (received_at) WHERE completed_at IS NULL;
CREATE INDEX processed_messages_user ON processed_messages (user_key);
