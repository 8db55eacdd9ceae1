-- A task in 'waiting' waits for something outside the queue (an AI agent's invocation, later
-- dependencies): what it waits for, and until when before it fails.
ALTER TABLE tasks ADD COLUMN waiting_for TEXT;
ALTER TABLE tasks ADD COLUMN wait_until BIGINT;
CREATE INDEX tasks_waiting ON tasks (wait_until) WHERE status = 'waiting';
