-- Events between agents. seq orders every event (AUTOINCREMENT: never reused, even after the
-- newest rows are deleted), so a reader's position is one number. Times are epoch milliseconds by
-- the daemon's clock. data is a JSON object as text.
-- rules_pending is 1 while the configured event rules have not yet made their tasks, so a daemon
-- that died in between makes them at its next start (rule tasks carry idempotency keys).
CREATE TABLE events (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  topic         TEXT NOT NULL,
  data          TEXT NOT NULL,
  source        TEXT,
  created_at    INTEGER NOT NULL,
  rules_pending INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Retention looks for old events by age.
CREATE INDEX events_created ON events (created_at);
-- Direct messages waiting for an agent that has no cursor yet, and reads of one topic.
CREATE INDEX events_topic ON events (topic, seq);
CREATE INDEX events_rules_pending ON events (created_at) WHERE rules_pending = 1;

-- One cursor per agent over everything it receives: the last seq it acknowledged.
CREATE TABLE event_cursors (
  agent TEXT PRIMARY KEY,
  seq   INTEGER NOT NULL
) STRICT;

-- Standing subscriptions. since_seq is the newest event when the subscription was made: it
-- matches only events after that, so a new pattern never brings up older events.
CREATE TABLE event_subscriptions (
  agent      TEXT NOT NULL,
  pattern    TEXT NOT NULL,
  since_seq  INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (agent, pattern)
) STRICT;
