-- The claim and the dispatcher's "when is the next task due" both look only at queued rows.
CREATE INDEX tasks_due ON tasks (run_at) WHERE status = 'queued';
