-- Retention: the oldest finished tasks of a status, a range of this index. Partial: queued, running
-- and waiting rows (finished_at NULL; a retry sets it back to NULL) never enter it, so claims and
-- completions pay for it only once, when a task finishes.
CREATE INDEX tasks_finished ON tasks (status, finished_at) WHERE finished_at IS NOT NULL;
