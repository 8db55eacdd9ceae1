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
    return List.of(
        "V1__tasks_agents.sql",
        "V2__waiting.sql",
        "V3__due_index.sql",
        "V4__events.sql",
        "V5__locks.sql",
        "V6__schedules.sql",
        "V7__task_flow.sql");
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
  String claim(String typeFilter) {
    return "UPDATE tasks SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,"
        + " attempts = attempts + 1, started_at = ?3"
        // INDEXED BY: left alone, the planner prefers tasks_status and sorts every queued row.
        + " WHERE id IN (SELECT id FROM tasks INDEXED BY tasks_claim"
        + " WHERE status = 'queued' AND run_at <= ?3"
        + " AND (assigned_to = ?1 OR (assigned_to IS NULL"
        + " AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))))"
        + switch (typeFilter) {
          case "" -> "";
          case CLAIM_EXCLUDING -> " AND type NOT IN (SELECT value FROM json_each(?6))";
          case CLAIM_OF_TYPE -> " AND type = ?6";
          default -> throw new IllegalArgumentException(typeFilter);
        }
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
