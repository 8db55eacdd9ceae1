-- Tasks, their run history, agents and barrier arrivals. Times are epoch milliseconds.
CREATE TABLE tasks (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL,
  description      TEXT NOT NULL,
  data             TEXT NOT NULL,
  status           TEXT NOT NULL,
  priority         INTEGER NOT NULL,
  assigned_to      TEXT,
  created_by       TEXT,
  run_at           INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL,
  budget           INTEGER NOT NULL,
  timeout_ms       INTEGER,
  idempotency_key  TEXT,
  result           TEXT,
  error            TEXT,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER
) STRICT;

CREATE UNIQUE INDEX tasks_idempotency ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The claim scans this in order; queued rows only, so it stays small however long history grows.
CREATE INDEX tasks_claim ON tasks (priority DESC, id) WHERE status = 'queued';
CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE status = 'running';
CREATE INDEX tasks_status ON tasks (status, id);

CREATE TABLE task_runs (
  run_id        INTEGER PRIMARY KEY,
  task_id       TEXT NOT NULL,
  attempt       INTEGER NOT NULL,
  worker        TEXT,
  started_at    INTEGER,
  finished_at   INTEGER NOT NULL,
  outcome       TEXT NOT NULL,
  result        TEXT,
  error_message TEXT,
  error_kind    TEXT
) STRICT;

CREATE INDEX task_runs_task ON task_runs (task_id, run_id);

CREATE TABLE agents (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  kind           TEXT NOT NULL,
  capabilities   TEXT NOT NULL,
  metadata       TEXT NOT NULL,
  registered_at  INTEGER NOT NULL,
  last_heartbeat INTEGER NOT NULL,
  signed_off     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE barrier_arrivals (
  barrier    TEXT NOT NULL,
  agent      TEXT NOT NULL,
  arrived_at INTEGER NOT NULL,
  PRIMARY KEY (barrier, agent)
) STRICT;
