-- Task flow: dependencies between tasks, and per-type pause and concurrency limits.
CREATE TABLE task_deps (
  task_id    TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX task_deps_upstream ON task_deps (depends_on);

-- A claim of a capped type locks the type's row here (FOR UPDATE) before it counts the type's
-- running tasks, so two daemons claiming at once take turns and never exceed the cap together.
CREATE TABLE queue_types (
  type            TEXT PRIMARY KEY,
  paused          BOOLEAN NOT NULL DEFAULT FALSE,
  max_concurrency INTEGER
);

-- Counting a type's running tasks for its concurrency limit.
CREATE INDEX tasks_running_type ON tasks (type) WHERE status = 'running';
-- Finding tasks that wait on something, by what.
CREATE INDEX tasks_waiting_for ON tasks (waiting_for) WHERE status = 'waiting';
