-- Tasks by status and type, kept instead of counted: the PostgreSQL twin of db/sqlite V11, read
-- through the view task_counts_now. Several daemons write here at once, and a transaction may
-- change thousands of tasks (store copy, a retention pass): a counter row updated by every
-- statement would be one row all daemons' writers queue on, and within one transaction each update
-- of it walks every version the transaction made before (quadratic). So the triggers only append
-- each statement's net change to task_count_changes (per statement, from its transition tables: a
-- batch of a hundred creates adds each (status, type) once; a lease renewal, whose net change is
-- zero, adds nothing), and about one statement in a hundred folds the changes into task_counts.
-- Two folds at once take turns on the change rows they both see (DELETE locks them), so each
-- change is folded once. Readers sum the view: the folded counts and the changes since.
-- The migrator splits statements at lines that end in a semicolon, so the function's inner
-- statements end mid-line.
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  type   TEXT NOT NULL,
  n      BIGINT NOT NULL,
  PRIMARY KEY (status, type)
);

CREATE TABLE task_count_changes (
  status TEXT NOT NULL,
  type   TEXT NOT NULL,
  n      BIGINT NOT NULL
);

CREATE VIEW task_counts_now AS
  SELECT status, type, n FROM task_counts
  UNION ALL SELECT status, type, n FROM task_count_changes;

CREATE FUNCTION task_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_count_changes (status, type, n)
      SELECT status, type, COUNT(*) FROM new_rows GROUP BY status, type; ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_count_changes (status, type, n)
      SELECT status, type, -COUNT(*) FROM old_rows GROUP BY status, type; ELSE
    INSERT INTO task_count_changes (status, type, n)
      SELECT status, type, SUM(d) FROM (
        SELECT status, type, 1 AS d FROM new_rows
        UNION ALL SELECT status, type, -1 AS d FROM old_rows) AS changes
      GROUP BY status, type HAVING SUM(d) <> 0; END IF; IF random() < 0.01 THEN
    WITH moved AS (DELETE FROM task_count_changes RETURNING status, type, n)
    INSERT INTO task_counts AS c (status, type, n)
      SELECT status, type, SUM(n) FROM moved GROUP BY status, type ORDER BY status, type
      ON CONFLICT (status, type) DO UPDATE SET n = c.n + excluded.n; END IF; RETURN NULL; END
$$;

CREATE TRIGGER task_counts_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_counts_apply();
CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_counts_apply();
CREATE TRIGGER task_counts_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION task_counts_apply();

-- After the triggers, in the same transaction: creating them locked out every other writer until
-- this commits, so the seed counts exactly the rows the triggers will not.
INSERT INTO task_counts (status, type, n)
  SELECT status, type, COUNT(*) FROM tasks GROUP BY status, type;

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
