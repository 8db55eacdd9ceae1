package dev.coordd.daemon.store;

/**
 * Task statements in standard SQL. Abstract where standard SQL has no form: the claim and the lease
 * renewal by id test membership in a JSON array, which each database spells its own way.
 */
abstract class TaskSql {
  static final String CLAIM_EXCLUDING = "excluding";
  static final String CLAIM_OF_TYPE = "of type";

  /**
   * The claim: one atomic statement that flips up to a limit of queued tasks to running, gives each
   * a fresh claim token and returns them. Parameters: 1 agent, 2 lease expiry, 3 now, 4 JSON array
   * of types or null for any, 5 limit, 6 the agent's role (tasks assigned to it are taken too; null
   * for none), 7 the lease length in ms; with {@link #CLAIM_EXCLUDING}, 8 a JSON array of types to
   * leave alone; with {@link #CLAIM_OF_TYPE}, 8 the one type to take. An empty filter takes any
   * type.
   */
  abstract String claim(String typeFilter);

  /** Parameters: now, default lease ms, owner, JSON array of task ids. */
  abstract String renewLeasesById();

  /**
   * True where each statement is a network round trip, so a group of adjacent writer operations
   * ({@link Batched}) runs as the set-based statements below, over array parameters; false where a
   * statement is a cheap call inside the process (SQLite) and a group runs the one-row statements
   * one after another on the cached prepared statements, in the same transaction.
   */
  boolean setBased() {
    return false;
  }

  /**
   * Set-based form of {@link #insertTask}; parameters: arrays of id, type, description, data,
   * status, priority, assigned_to, created_by, run_at, max_attempts, timeout_ms, idempotency_key,
   * created_at, waiting_for. Rows go in in array order (a repeated idempotency key: the first
   * wins); returns the ids inserted. Only where {@link #setBased}.
   */
  String insertTasks() {
    throw new UnsupportedOperationException("no set-based insert on this database");
  }

  /** Parameters: array of ids. Only where {@link #setBased}. */
  String tasksByIds() {
    throw new UnsupportedOperationException("no set-based read on this database");
  }

  /** Parameters: array of idempotency keys. Only where {@link #setBased}. */
  String tasksByIdempotencyKeys() {
    throw new UnsupportedOperationException("no set-based read on this database");
  }

  /**
   * Set-based {@link #complete}; parameters: arrays of id, result, now, owner, attempt. Returns the
   * ids it completed. Only where {@link #setBased}.
   */
  String completeMany() {
    throw new UnsupportedOperationException("no set-based completion on this database");
  }

  /** Set-based {@link #insertRun}: one array per column, in its order. Only where setBased. */
  String insertRuns() {
    throw new UnsupportedOperationException("no set-based run history on this database");
  }

  /**
   * Set-based {@link #renewLease}; parameters: arrays of id, owner, now, default lease ms. Returns
   * the renewed rows. Only where {@link #setBased}.
   */
  String renewLeases() {
    throw new UnsupportedOperationException("no set-based renewal on this database");
  }

  String insertTask() {
    return "INSERT INTO tasks (id, type, description, data, status, priority, assigned_to,"
        + " created_by, run_at, attempts, max_attempts, budget, timeout_ms, idempotency_key,"
        + " created_at, waiting_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT DO NOTHING";
  }

  String taskById() {
    return "SELECT * FROM tasks WHERE id = ?";
  }

  String taskByIdempotencyKey() {
    return "SELECT * FROM tasks WHERE idempotency_key = ?";
  }

  /** Parameters: result, now, id, owner, attempt. */
  String complete() {
    return "UPDATE tasks SET status = 'succeeded', result = ?, error = NULL, finished_at = ?,"
        + " lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL"
        + " WHERE id = ? AND status = 'running' AND lease_owner = ? AND attempts = ?";
  }

  /** Parameters: new status, run_at, error, finished_at, id, owner, attempt. */
  String endAttempt() {
    return "UPDATE tasks SET status = ?, run_at = ?, error = ?, finished_at = ?,"
        + " lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL"
        + " WHERE id = ? AND status = 'running' AND lease_owner = ? AND attempts = ? RETURNING *";
  }

  /** Gives back an attempt that was never really tried (graceful shutdown). */
  String requeueUncounted() {
    return "UPDATE tasks SET status = 'queued', attempts = attempts - 1, lease_owner = NULL,"
        + " lease_expires_at = NULL, claim_token = NULL WHERE id = ? AND status = 'running'"
        + " AND lease_owner = ?"
        + " AND attempts = ? RETURNING *";
  }

  /** Parameters: waiting_for, wait_until, id, owner, attempt. */
  String park() {
    return "UPDATE tasks SET status = 'waiting', waiting_for = ?, wait_until = ?,"
        + " lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL"
        + " WHERE id = ? AND status = 'running' AND lease_owner = ? AND attempts = ? RETURNING *";
  }

  /** Parameters: status, result, error, now, id, waiting_for. */
  String endWait() {
    return "UPDATE tasks SET status = ?, result = ?, error = ?, finished_at = ?,"
        + " waiting_for = NULL, wait_until = NULL"
        + " WHERE id = ? AND status = 'waiting' AND waiting_for = ? RETURNING *";
  }

  /** Waiting tasks whose wait is of a kind, e.g. {@code invocation:%}. */
  String waitingLike() {
    return "SELECT * FROM tasks WHERE status = 'waiting' AND waiting_for LIKE ?";
  }

  String countRunningOfType() {
    return "SELECT COUNT(*) FROM tasks WHERE status = 'running' AND type = ?";
  }

  String insertDependency() {
    return "INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?) ON CONFLICT DO NOTHING";
  }

  /**
   * Tasks waiting on dependencies, with how many of their dependencies failed or were cancelled and
   * how many have not succeeded yet.
   */
  String dependencyWaits() {
    return "SELECT t.*,"
        + " (SELECT COUNT(*) FROM task_deps d JOIN tasks x ON x.id = d.depends_on"
        + "   WHERE d.task_id = t.id AND x.status IN ('failed', 'cancelled')) AS broken,"
        + " (SELECT COUNT(*) FROM task_deps d JOIN tasks x ON x.id = d.depends_on"
        + "   WHERE d.task_id = t.id AND x.status <> 'succeeded') AS open"
        + " FROM tasks t WHERE t.status = 'waiting' AND t.waiting_for = 'dependencies'";
  }

  /** The first failed or cancelled dependency of a task. */
  String brokenDependency() {
    return "SELECT x.* FROM task_deps d JOIN tasks x ON x.id = d.depends_on"
        + " WHERE d.task_id = ? AND x.status IN ('failed', 'cancelled') ORDER BY x.id LIMIT 1";
  }

  /** Parameters: id, id. A retried task with dependencies waits for them again. */
  String rewaitDependencies() {
    return "UPDATE tasks SET status = 'waiting', waiting_for = 'dependencies' WHERE id = ?"
        + " AND status = 'queued' AND EXISTS (SELECT 1 FROM task_deps WHERE task_id = ?)"
        + " RETURNING *";
  }

  /** Parameters: now, now, id. Runs no earlier than now (a CASE: two-argument MAX is not SQL). */
  String releaseDependent() {
    return "UPDATE tasks SET status = 'queued', waiting_for = NULL, wait_until = NULL,"
        + " run_at = CASE WHEN run_at < ? THEN ? ELSE run_at END WHERE id = ? AND status = 'waiting'"
        + " AND waiting_for = 'dependencies' RETURNING *";
  }

  /** Parameters: error, now, id. */
  String failDependent() {
    return "UPDATE tasks SET status = 'failed', error = ?, finished_at = ?, waiting_for = NULL,"
        + " wait_until = NULL WHERE id = ? AND status = 'waiting'"
        + " AND waiting_for = 'dependencies' RETURNING *";
  }

  String insertRun() {
    return "INSERT INTO task_runs (task_id, attempt, worker, started_at, finished_at, outcome,"
        + " result, error_message, error_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  String runsOfTask() {
    return "SELECT * FROM task_runs WHERE task_id = ? ORDER BY run_id";
  }

  /** Parameters: now, error, id, expected current status. */
  String cancel() {
    return "UPDATE tasks SET status = 'cancelled', finished_at = ?, error = ?,"
        + " lease_owner = NULL, lease_expires_at = NULL, claim_token = NULL WHERE id = ? AND status = ? RETURNING *";
  }

  /** Parameters: now, id. A fresh budget of attempts on top of those already made. */
  String retry() {
    return "UPDATE tasks SET status = 'queued', run_at = ?, max_attempts = attempts + budget,"
        + " finished_at = NULL, result = NULL"
        + " WHERE id = ? AND status IN ('failed', 'cancelled') RETURNING *";
  }

  /**
   * Parameters: now, default lease ms, id, owner. Each task is renewed by its own lease length (the
   * default for rows claimed before leases were recorded).
   */
  String renewLease() {
    return "UPDATE tasks SET lease_expires_at = ? + COALESCE(lease_ms, ?) WHERE id = ?"
        + " AND status = 'running' AND lease_owner = ? RETURNING *";
  }

  /** Parameters: now, default lease ms, owner. Each task by its own lease length. */
  String renewLeasesOf() {
    return "UPDATE tasks SET lease_expires_at = ? + COALESCE(lease_ms, ?)"
        + " WHERE status = 'running' AND lease_owner = ?";
  }

  /**
   * Parameters: now, default lease ms, stale cutoff, the daemon's own name (never stale to itself).
   * A claim with a lease longer than the default was asked for by an agent that works in long turns
   * without beating: its owner going stale does not take it back, only the lease running out.
   */
  String expiredLeases() {
    return "SELECT * FROM tasks WHERE status = 'running' AND (lease_expires_at < ?"
        + " OR (COALESCE(lease_ms, 0) <= ? AND lease_owner IN"
        + " (SELECT name FROM agents WHERE last_heartbeat < ? AND name <> ?)))";
  }

  String runningOf() {
    return "SELECT * FROM tasks WHERE status = 'running' AND lease_owner = ?";
  }

  /** Parameters: now. The earliest run time still in the future. */
  String nextRunAt() {
    return "SELECT MIN(run_at) FROM tasks WHERE status = 'queued' AND run_at > ?";
  }

  /**
   * Parameters: after, through. Queued tasks whose run time fell in (after, through] and that were
   * delayed when queued (run_at past created_at): a task queued due was announced as it was queued.
   */
  String becameDue() {
    return "SELECT * FROM tasks WHERE status = 'queued' AND run_at > ? AND run_at <= ?"
        + " AND run_at > created_at ORDER BY run_at";
  }

  /**
   * Parameters: now. One queued, due task per type and assignee (at most 1,000 kinds): what a
   * daemon sharing the store re-offers to its claim waiters each poll interval, in case a
   * notification from another daemon was lost.
   */
  String claimableKinds() {
    return "SELECT MIN(id), type, assigned_to FROM tasks WHERE status = 'queued' AND run_at <= ?"
        + " GROUP BY type, assigned_to LIMIT 1000";
  }

  /**
   * From the counts the store's triggers keep (V11), not from the rows: as fast with a million
   * tasks as with ten. The cast: PostgreSQL sums BIGINT to NUMERIC.
   */
  String countByStatus() {
    return "SELECT status, CAST(SUM(n) AS BIGINT) FROM task_counts_now GROUP BY status";
  }

  /**
   * Newest first; each filter present adds one condition, so the status index stays usable. {@code
   * olderThan} adds {@code id < ?}, the keyset cursor: a page at any depth is one range of the
   * primary key (or of the status index, whose rows are ordered by id within a status).
   */
  String listTasks(boolean byStatus, boolean byType, boolean byAssignee, boolean olderThan) {
    StringBuilder sql = new StringBuilder("SELECT * FROM tasks WHERE 1 = 1");
    if (byStatus) {
      sql.append(" AND status = ?");
    }
    if (byType) {
      sql.append(" AND type = ?");
    }
    if (byAssignee) {
      sql.append(" AND assigned_to = ?");
    }
    if (olderThan) {
      sql.append(" AND id < ?");
    }
    return sql.append(" ORDER BY id DESC LIMIT ?").toString();
  }

  /**
   * Parameters: status, cutoff, limit. Ids of tasks of a status that finished before the cutoff,
   * oldest first, a range of the index {@code tasks_finished} (its WHERE repeated literally, so the
   * partial index applies). A task that an unfinished task depends on is left alone: deleting it
   * would read as a dependency that is no longer there.
   */
  String oldFinished() {
    return "SELECT t.id FROM tasks t WHERE t.status = ? AND t.finished_at IS NOT NULL"
        + " AND t.finished_at < ? AND NOT EXISTS (SELECT 1 FROM task_deps d"
        + " JOIN tasks w ON w.id = d.task_id WHERE d.depends_on = t.id"
        + " AND w.status NOT IN ('succeeded', 'failed', 'cancelled'))"
        + " ORDER BY t.finished_at LIMIT ?";
  }

  /** Parameters: id. Only a finished task: the guard that keeps retention off live work. */
  String deleteFinished() {
    return "DELETE FROM tasks WHERE id = ? AND finished_at IS NOT NULL"
        + " AND status IN ('succeeded', 'failed', 'cancelled')";
  }

  String deleteRunsOf() {
    return "DELETE FROM task_runs WHERE task_id = ?";
  }

  /** Parameters: id, id. Its links both ways: what it waited on and what waited on it. */
  String deleteDepsOf() {
    return "DELETE FROM task_deps WHERE task_id = ? OR depends_on = ?";
  }
}
