-- What several bot instances on one database need and a single SQLite process does not
-- (issue 14 item 2). Plain DDL: the runner wraps this file in one transaction.

-- Named leases with an expiry: each instance's heartbeat ("instance:<id>"), the per-user-context
-- lease that keeps one user's messages in order across instances ("context:<key>"), and leader
-- leases such as the one Telegram long polling needs. A holder that dies stops renewing, and the
-- lease passes to the next taker once `until` (unix ms) is past: nothing waits for a dead process.
CREATE TABLE leases (
  name   TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until  BIGINT NOT NULL
);

-- The instance handling a delivery. Another instance resumes an unfinished delivery only when
-- this owner's heartbeat lease has lapsed (or the owner is itself, restarted), so a message
-- that a live instance is still answering is never answered a second time.
ALTER TABLE processed_messages ADD COLUMN owner TEXT;
