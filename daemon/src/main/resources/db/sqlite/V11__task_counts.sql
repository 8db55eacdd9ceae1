-- Tasks by status and type, kept instead of counted: stats, the metrics gauges and the queue list
-- read a few rows here (through the view task_counts_now, which PostgreSQL's twin needs) whatever
-- the number of tasks. Triggers keep them, so every writer (the daemon, store copy, retention, a
-- migration) keeps them exact without knowing about them. One writer at a time on SQLite: the
-- triggers update the counts in place.
-- The migrator splits statements at lines that end in a semicolon, so a trigger's inner statements
-- end mid-line.
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  type   TEXT NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (status, type)
) STRICT, WITHOUT ROWID;

CREATE VIEW task_counts_now AS SELECT status, type, n FROM task_counts;

INSERT INTO task_counts (status, type, n)
  SELECT status, type, COUNT(*) FROM tasks GROUP BY status, type;

CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_counts (status, type, n) VALUES (NEW.status, NEW.type, 1)
    ON CONFLICT (status, type) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_counts SET n = n - 1 WHERE status = OLD.status AND type = OLD.type; END;

CREATE TRIGGER task_counts_update AFTER UPDATE OF status, type ON tasks
  WHEN OLD.status <> NEW.status OR OLD.type <> NEW.type BEGIN
  UPDATE task_counts SET n = n - 1
    WHERE status = OLD.status AND type = OLD.type; INSERT INTO task_counts (status, type, n) VALUES (NEW.status, NEW.type, 1)
    ON CONFLICT (status, type) DO UPDATE SET n = n + 1; END;

-- The claim's indexes: queued tasks in claim order (priority, then oldest) per kind of claimer, so
-- a claim reads the first rows of what it may take and never walks past tasks it may not (queued
-- for another agent, of another type). Unassigned tasks of any type; unassigned tasks by type;
-- assigned tasks by assignee (partial: a queue of unassigned work pays nothing for it). V1's
-- tasks_claim, one range over every queued row, is what they replace.
DROP INDEX tasks_claim;
CREATE INDEX tasks_claim_any ON tasks (priority DESC, id)
  WHERE status = 'queued' AND assigned_to IS NULL;
CREATE INDEX tasks_claim_typed ON tasks (type, priority DESC, id)
  WHERE status = 'queued' AND assigned_to IS NULL;
CREATE INDEX tasks_claim_assigned ON tasks (assigned_to, priority DESC, id)
  WHERE status = 'queued' AND assigned_to IS NOT NULL;
