-- Task flow: dependencies between tasks, and per-type pause and concurrency limits.
CREATE TABLE task_deps (
  task_id    TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (task_id, depends_on)
) STRICT;
CREATE INDEX task_deps_upstream ON task_deps (depends_on);

CREATE TABLE queue_types (
  type            TEXT PRIMARY KEY,
  paused          INTEGER NOT NULL DEFAULT 0,
  max_concurrency INTEGER
) STRICT;

-- Counting a type's running tasks for its concurrency limit.
CREATE INDEX tasks_running_type ON tasks (type) WHERE status = 'running';
-- Finding tasks that wait on something, by what.
CREATE INDEX tasks_waiting_for ON tasks (waiting_for) WHERE status = 'waiting';
