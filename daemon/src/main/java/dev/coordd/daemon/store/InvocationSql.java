package dev.coordd.daemon.store;

/**
 * Invocation statements in standard SQL, the same on both databases. Every state change is one
 * {@code UPDATE … WHERE status …} that names the state it leaves: a compare-and-set, so of two
 * sessions (on one machine or two) taking or finishing the same invocation exactly one changes the
 * row and the other gets nothing back.
 */
class InvocationSql {
  String insert() {
    return "INSERT INTO invocations (id, task_id, agent_type, command, context, status,"
        + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)";
  }

  String pending() {
    return "SELECT * FROM invocations WHERE status = 'pending' ORDER BY created_at, id";
  }

  String openFor() {
    return "SELECT * FROM invocations WHERE task_id = ? AND status IN ('pending', 'processing')"
        + " ORDER BY created_at, id";
  }

  String one() {
    return "SELECT * FROM invocations WHERE id = ?";
  }

  /** Parameters: taken_by, taken_at, id. */
  String take() {
    return "UPDATE invocations SET status = 'processing', taken_by = ?, taken_at = ?"
        + " WHERE id = ? AND status = 'pending' RETURNING *";
  }

  /** Parameters: status, finished_at, result, error, id; from pending or processing. */
  String finish() {
    return "UPDATE invocations SET status = ?, finished_at = ?, result = ?, error = ?"
        + " WHERE id = ? AND status IN ('pending', 'processing') RETURNING *";
  }

  /** Parameters: status, finished_at, error, id; only while nobody has taken it. */
  String closePending() {
    return "UPDATE invocations SET status = ?, finished_at = ?, error = ?"
        + " WHERE id = ? AND status = 'pending' RETURNING *";
  }

  /** Parameters: cutoff, max: the oldest archived invocations finished before the cutoff. */
  String deleteArchived() {
    return "DELETE FROM invocations WHERE id IN (SELECT id FROM invocations"
        + " WHERE finished_at IS NOT NULL AND finished_at < ? ORDER BY finished_at LIMIT ?)";
  }
}
