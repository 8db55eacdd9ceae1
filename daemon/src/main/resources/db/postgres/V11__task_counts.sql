-- Tasks by status and type, kept instead of counted: the PostgreSQL twin of db/sqlite V11. Several
-- daemons write here at once, so each count is spread over 16 slots, a writer using the slot of
-- its server process (pg_backend_pid() % 16): writers of different daemons update different rows
-- instead of all queueing on one. Readers sum the slots. The triggers are per statement and read
-- the statement's changed rows (transition tables): a batch of a hundred creates or claims adds
-- each (status, type) once, in key order, so two writers that share a slot take row locks in the
-- same order. A status change's net effect is zero for most updates (lease renewals), which then
-- write nothing.
-- The migrator splits statements at lines that end in a semicolon, so the function's inner
-- statements end mid-line.
CREATE TABLE task_counts (
  status TEXT NOT NULL,
  type   TEXT NOT NULL,
  slot   INTEGER NOT NULL,
  n      BIGINT NOT NULL,
  PRIMARY KEY (status, type, slot)
);

CREATE FUNCTION task_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_counts AS c (status, type, slot, n)
      SELECT status, type, pg_backend_pid() % 16, COUNT(*) FROM new_rows
      GROUP BY status, type ORDER BY status, type
      ON CONFLICT (status, type, slot) DO UPDATE SET n = c.n + excluded.n; ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_counts AS c (status, type, slot, n)
      SELECT status, type, pg_backend_pid() % 16, -COUNT(*) FROM old_rows
      GROUP BY status, type ORDER BY status, type
      ON CONFLICT (status, type, slot) DO UPDATE SET n = c.n + excluded.n; ELSE
    INSERT INTO task_counts AS c (status, type, slot, n)
      SELECT status, type, pg_backend_pid() % 16, SUM(d) FROM (
        SELECT status, type, 1 AS d FROM new_rows
        UNION ALL SELECT status, type, -1 AS d FROM old_rows) AS changes
      GROUP BY status, type HAVING SUM(d) <> 0 ORDER BY status, type
      ON CONFLICT (status, type, slot) DO UPDATE SET n = c.n + excluded.n; END IF; RETURN NULL; END
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
INSERT INTO task_counts (status, type, slot, n)
  SELECT status, type, 0, COUNT(*) FROM tasks GROUP BY status, type;

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
