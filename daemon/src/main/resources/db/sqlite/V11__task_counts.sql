-- Tasks by status and type, kept instead of counted: stats, the metrics gauges and the queue list
-- read a few rows here whatever the number of tasks. Triggers keep them, so every writer (the
-- daemon, store copy, retention, a migration) keeps them exact without knowing about them. slot is
-- always 0 on SQLite (one writer at a time); PostgreSQL spreads each count over slots so that
-- daemons sharing the store do not all queue on one row. Readers sum the slots.
-- The migrator splits statements at lines that end in a semicolon, so a trigger's inner statements
-- end mid-line.
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  type   TEXT NOT NULL,
  slot   INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (status, type, slot)
) STRICT, WITHOUT ROWID;

INSERT INTO task_counts (status, type, slot, n)
  SELECT status, type, 0, COUNT(*) FROM tasks GROUP BY status, type;

CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_counts (status, type, slot, n) VALUES (NEW.status, NEW.type, 0, 1)
    ON CONFLICT (status, type, slot) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_counts SET n = n - 1
    WHERE status = OLD.status AND type = OLD.type AND slot = 0; END;

CREATE TRIGGER task_counts_update AFTER UPDATE OF status, type ON tasks
  WHEN OLD.status <> NEW.status OR OLD.type <> NEW.type BEGIN
  UPDATE task_counts SET n = n - 1
    WHERE status = OLD.status AND type = OLD.type AND slot = 0; INSERT INTO task_counts (status, type, slot, n) VALUES (NEW.status, NEW.type, 0, 1)
    ON CONFLICT (status, type, slot) DO UPDATE SET n = n + 1; END;

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
