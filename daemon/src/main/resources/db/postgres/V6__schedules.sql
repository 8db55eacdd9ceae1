-- Schedules: each slot (a cron time, or created_at + k * every_ms) creates one task from the
-- template in `task` (a NewTask as JSON). The task's idempotency key names the slot, so a slot
-- never creates two tasks, whatever restarts or daemons race. Times are epoch milliseconds.
-- task is TEXT like SQLite's; the cast in the check refuses text that is not JSON (json_valid).
CREATE TABLE schedules (
  name         TEXT PRIMARY KEY,
  cron         TEXT,
  every_ms     BIGINT,
  zone         TEXT NOT NULL,
  task         TEXT NOT NULL CHECK (task::jsonb IS NOT NULL),
  misfire      TEXT NOT NULL CHECK (misfire IN ('skip', 'run_once')),
  paused       BOOLEAN NOT NULL DEFAULT FALSE,
  next_run_at  BIGINT,
  last_run_at  BIGINT,
  last_task_id TEXT,
  last_error   TEXT,
  source       TEXT NOT NULL CHECK (source IN ('api', 'config')),
  created_at   BIGINT NOT NULL,
  CHECK ((cron IS NULL) <> (every_ms IS NULL))
);

-- The housekeeping round asks for due schedules several times a second.
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused = FALSE;
