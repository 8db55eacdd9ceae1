-- Invocations of invoke_agent tasks waiting for an AI session, when several daemons share the store
-- (PostgreSQL): every machine's `coordd check` must see and take the same ones, so they live here
-- instead of in one home's invocations/ folder. A single-machine SQLite home keeps the files; the
-- table exists there too so both databases stay at the same schema version. status is pending,
-- processing, or an archived outcome (completed, failed, expired, cancelled); times are epoch
-- milliseconds by the daemon's clock; context and result are JSON text.
CREATE TABLE invocations (
  id          TEXT PRIMARY KEY,
  task_id     TEXT NOT NULL,
  agent_type  TEXT NOT NULL,
  command     TEXT NOT NULL,
  context     TEXT NOT NULL,
  status      TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  taken_by    TEXT,
  taken_at    BIGINT,
  finished_at BIGINT,
  result      TEXT,
  error       TEXT
);
-- check lists the pending ones oldest first; a retried task finds its open one by task
CREATE INDEX invocations_status ON invocations (status, created_at);
CREATE INDEX invocations_task ON invocations (task_id);
-- retention deletes the oldest archived ones
CREATE INDEX invocations_finished ON invocations (finished_at) WHERE finished_at IS NOT NULL;
