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
    return List.of("V1__tasks_agents.sql");
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
        + " WHERE id IN (SELECT id FROM tasks WHERE status = 'queued' AND run_at <= ?3"
        + " AND (assigned_to = ?1 OR (assigned_to IS NULL"
        + " AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))))"
        + " ORDER BY priority DESC, id LIMIT ?5)"
        + " AND status = 'queued' RETURNING *";
  }

  @Override
  String countCapableAgents() {
    return "SELECT COUNT(*) FROM agents, json_each(agents.capabilities) c"
        + " WHERE c.value = ?1 AND agents.signed_off = 0";
  }
}
