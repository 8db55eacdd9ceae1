package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * SQLite: types filtered through {@code json_each}; no SKIP LOCKED needed because SQLite has one
 * writer at a time, so the UPDATE's subselect and update are one atomic step.
 */
final class SqliteDialect extends SqlDialect {
  private final String synchronous;
  private final long busyTimeoutMs;

  SqliteDialect(String synchronous, long busyTimeoutMs) {
    this.synchronous = synchronous;
    this.busyTimeoutMs = busyTimeoutMs;
  }

  @Override
  String migrationFolder() {
    return "sqlite";
  }

  @Override
  List<String> migrations() {
    return List.of("V1__tasks_agents.sql", "V2__waiting.sql", "V3__due_index.sql",
        "V4__events.sql", "V5__locks.sql", "V6__schedules.sql", "V7__task_flow.sql");
  }

  @Override
  void configure(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + busyTimeoutMs);
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = " + synchronous);
    }
  }

  @Override
  String claim() {
    return "UPDATE tasks SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,"
        + " attempts = attempts + 1, started_at = ?3"
        // INDEXED BY: left alone, the planner prefers tasks_status and sorts every queued row.
        + " WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_claim"
        + " WHERE status = 'queued' AND run_at <= ?3"
        + " AND (assigned_to = ?1 OR (assigned_to IS NULL"
        + " AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))))"
        + " ORDER BY priority DESC, id LIMIT ?5)"
        + " AND status = 'queued' RETURNING *";
  }

  /**
   * The claim when some type is paused or capped: the same compare-and-set, but a window ranks
   * each type's candidates so one batch never takes more than the type's free slots. Slower than
   * {@link #claim()} (it ranks every candidate), so it is used only while a pause or cap exists.
   */
  @Override
  String claimWithQueuePolicy() {
    return "UPDATE tasks SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,"
        + " attempts = attempts + 1, started_at = ?3"
        + " WHERE id IN (SELECT id FROM ("
        + "   SELECT t.id, t.priority, q.max_concurrency AS cap,"
        + "     ROW_NUMBER() OVER (PARTITION BY t.type ORDER BY t.priority DESC, t.id) AS rank,"
        + "     (SELECT COUNT(*) FROM tasks r WHERE r.status = 'running' AND r.type = t.type)"
        + "       AS busy"
        + "   FROM tasks t LEFT JOIN queue_types q ON q.type = t.type"
        + "   WHERE t.status = 'queued' AND t.run_at <= ?3"
        + "   AND (t.assigned_to = ?1 OR (t.assigned_to IS NULL"
        + "     AND (?4 IS NULL OR t.type IN (SELECT value FROM json_each(?4)))))"
        + "   AND COALESCE(q.paused, 0) = 0)"
        + " WHERE cap IS NULL OR rank <= cap - busy"
        + " ORDER BY priority DESC, id LIMIT ?5)"
        + " AND status = 'queued' RETURNING *";
  }

  @Override
  String renewLeasesById() {
    return "UPDATE tasks SET lease_expires_at = ?1 WHERE status = 'running' AND lease_owner = ?2"
        + " AND id IN (SELECT value FROM json_each(?3))";
  }

  @Override
  String countCapableAgents() {
    return "SELECT COUNT(*) FROM agents, json_each(agents.capabilities) c"
        + " WHERE c.value = ?1 AND agents.signed_off = 0";
  }
}
