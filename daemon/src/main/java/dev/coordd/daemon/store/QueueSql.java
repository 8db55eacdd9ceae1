package dev.coordd.daemon.store;

/** Queue policy statements (per-type pause and concurrency cap), standard SQL. */
class QueueSql {
  String queueTypes() {
    return "SELECT type, paused, max_concurrency FROM queue_types";
  }

  /**
   * Parameters: type. The type's policy, its row locked until the transaction ends: a claim holds
   * it while it counts the type's running tasks and takes up to the cap, so claims of that type by
   * other daemons wait their turn and count what this one took.
   */
  String lockQueueType() {
    return "SELECT paused, max_concurrency FROM queue_types WHERE type = ? FOR UPDATE";
  }

  /**
   * Parameters: type, paused for a new row, cap for a new row, whether to keep the current pause
   * flag, whether to set the cap.
   */
  String upsertQueueType() {
    return "INSERT INTO queue_types (type, paused, max_concurrency) VALUES (?, ?, ?)"
        + " ON CONFLICT (type) DO UPDATE SET"
        + " paused = CASE WHEN ? THEN queue_types.paused ELSE excluded.paused END,"
        + " max_concurrency = CASE WHEN ? THEN excluded.max_concurrency"
        + " ELSE queue_types.max_concurrency END";
  }

  /**
   * Per type: running and queued counts (for the queue list and the metrics gauges), from the
   * counts the store's triggers keep (V11); a type with neither is left out, as when it was counted
   * from the rows.
   */
  String queueCounts() {
    return "SELECT type, CAST(SUM(CASE WHEN status = 'running' THEN n ELSE 0 END) AS BIGINT),"
        + " CAST(SUM(CASE WHEN status = 'queued' THEN n ELSE 0 END) AS BIGINT)"
        + " FROM task_counts_now WHERE status IN ('running', 'queued') GROUP BY type HAVING SUM(n) <> 0";
  }
}
