-- Schedules: each slot (a cron time, or created_at + k * every_ms) creates one task from the
-- template in `task` (a NewTask as JSON). The task's idempotency key names the slot, so a slot
-- never creates two tasks, whatever restarts or daemons race. Times are epoch milliseconds.
CREATE TABLE schedules (
  name         TEXT PRIMARY KEY,
  cron         TEXT,
  every_ms     INTEGER,
  zone         TEXT NOT NULL,
  task         TEXT NOT NULL CHECK (json_valid(task)),
  misfire      TEXT NOT NULL CHECK (misfire IN ('skip', 'run_once')),
  paused       INTEGER NOT NULL DEFAULT 0,
  next_run_at  INTEGER,
  last_run_at  INTEGER,
  last_task_id TEXT,
  last_error   TEXT,
  source       TEXT NOT NULL CHECK (source IN ('api', 'config')),
  created_at   INTEGER NOT NULL,
  CHECK ((cron IS NULL) <> (every_ms IS NULL))
) STRICT;

-- The housekeeping round asks for due schedules several times a second.
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused = 0;
