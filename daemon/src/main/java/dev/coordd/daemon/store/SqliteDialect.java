package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite: everything in which it differs from the standard SQL of the statement sets, in one file.
 * Types are filtered through {@code json_each}; no SKIP LOCKED is needed because SQLite has one
 * writer at a time, so the claim's subselect and update are one atomic step. A batch takes the
 * write lock when it begins ({@code BEGIN IMMEDIATE}); a busy or locked database is worth another
 * try.
 */
final class SqliteDialect extends SqlDialect {
  /** The migration files in order; PostgreSQL's folder has a twin of each. */
  static final List<String> MIGRATIONS =
      List.of(
          "V1__tasks_agents.sql",
          "V2__waiting.sql",
          "V3__due_index.sql",
          "V4__events.sql",
          "V5__locks.sql",
          "V6__schedules.sql",
          "V7__task_flow.sql",
          "V8__claims.sql",
          "V9__retention.sql",
          "V10__invocations.sql",
          "V11__task_counts.sql",
          "V12__claim_typed_order.sql");

  private final String synchronous;
  private final long busyTimeoutMs;

  SqliteDialect(String synchronous, long busyTimeoutMs) {
    super(
        new SqliteTaskSql(),
        new SqliteAgentSql(),
        new SqliteQueueSql(),
        new SqliteEventSql(),
        new LockSql(),
        new SqliteScheduleSql());
    this.synchronous = synchronous;
    this.busyTimeoutMs = busyTimeoutMs;
  }

  @Override
  String migrationFolder() {
    return "/db/sqlite";
  }

  @Override
  List<String> migrations() {
    return MIGRATIONS;
  }

  @Override
  void configure(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      // First: SQLite takes auto_vacuum only before the first table exists, so only a new database
      // gets it; on an existing one this is a no-op (see givesSpaceBack).
      st.execute("PRAGMA auto_vacuum = INCREMENTAL");
      st.execute("PRAGMA busy_timeout = " + busyTimeoutMs);
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = " + synchronous);
      // A statement that fires triggers (every write to tasks keeps task_counts) opens a statement
      // journal, by default a temporary file: creating and writing it per statement cost more
      // than the statement (an insert took 3-5x as long). Held in memory it costs nothing; it is
      // only the undo of one statement inside a transaction, the WAL keeps durability.
      st.execute("PRAGMA temp_store = MEMORY");
    }
  }

  /** 2 is INCREMENTAL: the database was created with it and can give free pages back. */
  @Override
  boolean givesSpaceBack(Tx tx) throws SQLException {
    return tx.count("PRAGMA auto_vacuum") == 2;
  }

  @Override
  long freePages(Tx tx) throws SQLException {
    return tx.count("PRAGMA freelist_count");
  }

  /**
   * Through a plain Statement's executeUpdate, which the driver runs to completion: the pragma
   * frees one page per step, and a prepared statement's execute would step once and leave the
   * statement open inside the transaction.
   */
  @Override
  void reclaimSpace(Tx tx, int pages) throws SQLException {
    try (Statement st = tx.connection().createStatement()) {
      st.executeUpdate("PRAGMA incremental_vacuum(" + Math.max(1, pages) + ")");
    }
  }

  /** Run on each pooled read connection: a read can never write by mistake. */
  @Override
  String readOnly() {
    return "PRAGMA query_only = 1";
  }

  /** Takes the write lock at once, not halfway through the batch (where it could fail). */
  @Override
  String begin() {
    return "BEGIN IMMEDIATE";
  }

  /** Another connection holds the lock (past the busy timeout): worth trying again. */
  @Override
  boolean retryable(SQLException e) {
    if (e instanceof SQLiteException s) {
      int primary = s.getResultCode().code & 0xFF; // extended codes (e.g. BUSY_SNAPSHOT) included
      return primary == SQLiteErrorCode.SQLITE_BUSY.code
          || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
    }
    return super.retryable(e);
  }

  static final class SqliteTaskSql extends TaskSql {
    /**
     * Numbered parameters: the agent and now appear several times. Each row gets its own token from
     * randomblob, in the one statement (SQLite's randomness is a ChaCha20 stream seeded from the
     * operating system): 10 hex characters, 40 bits, enough to tell attempts apart and not to be
     * guessed by a session that was not handed it.
     *
     * <p>The candidates are the first rows of each thing the claimer may take, each a range of its
     * own index in claim order (V11): tasks assigned to the agent, to its role, unassigned of any
     * type, unassigned of each listed type. The best of those up to the limit are taken. So a claim
     * reads O(limit × kinds) rows however many tasks are queued for others, of other types or at
     * other priorities; one range over all queued rows read every row the claimer could not take.
     * INDEXED BY: left alone, the planner may sort every queued row instead.
     */
    @Override
    String claim(String typeFilter) {
      String filter =
          switch (typeFilter) {
            case "" -> "";
            case CLAIM_EXCLUDING -> " AND type NOT IN (SELECT value FROM json_each(?8))";
            case CLAIM_OF_TYPE -> " AND type = ?8";
            default -> throw new IllegalArgumentException(typeFilter);
          };
      String due = " WHERE status = 'queued' AND run_at <= ?3";
      String order = " ORDER BY priority DESC, id LIMIT ?5)";
      String assigned =
          " SELECT * FROM (SELECT id, priority FROM tasks INDEXED BY tasks_claim_assigned"
              + due
              + " AND assigned_to IS NOT NULL AND assigned_to = ";
      String unassigned =
          typeFilter.equals(CLAIM_OF_TYPE)
              ? " UNION ALL SELECT * FROM (SELECT id, priority FROM tasks"
                  + " INDEXED BY tasks_claim_typed"
                  + due
                  + " AND assigned_to IS NULL AND type = ?8"
                  + " AND (?4 IS NULL OR ?8 IN (SELECT value FROM json_each(?4)))"
                  + order
              : " UNION ALL SELECT * FROM (SELECT id, priority FROM tasks"
                  + " INDEXED BY tasks_claim_any"
                  + due
                  + " AND assigned_to IS NULL AND ?4 IS NULL"
                  + filter
                  + order
                  // per listed type: a correlated range of the type's index, up to the limit each
                  + " UNION ALL SELECT t.id, t.priority FROM json_each(?4) j, tasks t"
                  + " WHERE t.id IN (SELECT id FROM tasks INDEXED BY tasks_claim_typed"
                  + due
                  + " AND assigned_to IS NULL AND type = j.value"
                  + filter
                  + " ORDER BY priority DESC, id LIMIT ?5)";
      return "UPDATE tasks SET status = 'running', lease_owner = ?1, lease_expires_at = ?2,"
          + " attempts = attempts + 1, started_at = ?3, lease_ms = ?7,"
          + " claim_token = lower(hex(randomblob(5)))"
          + " WHERE id IN (SELECT id FROM ("
          + assigned
          + "?1"
          + filter
          + order
          + " UNION ALL"
          + assigned
          + "?6"
          + filter
          + order
          + unassigned
          + ") ORDER BY priority DESC, id LIMIT ?5)"
          + " AND status = 'queued' RETURNING *";
    }

    /**
     * INDEXED BY: the first row of the due index's range. Left alone the planner took the status
     * index and read every queued row, each time the dispatcher went idle: with 100,000 queued that
     * was half the daemon's CPU.
     */
    @Override
    String nextRunAt() {
      return "SELECT run_at FROM tasks INDEXED BY tasks_due WHERE status = 'queued' AND run_at > ?"
          + " ORDER BY run_at LIMIT 1";
    }

    /** INDEXED BY: a range of the due index, never a walk over every queued row. */
    @Override
    String becameDue() {
      return "SELECT * FROM tasks INDEXED BY tasks_due WHERE status = 'queued'"
          + " AND run_at > ? AND run_at <= ? AND run_at > created_at ORDER BY run_at";
    }

    @Override
    String renewLeasesById() {
      return "UPDATE tasks SET lease_expires_at = ? + COALESCE(lease_ms, ?)"
          + " WHERE status = 'running' AND lease_owner = ? AND id IN (SELECT value FROM json_each(?))";
    }
  }

  /** No row locks: the one writer already keeps a claim's count and flip together. */
  static final class SqliteQueueSql extends QueueSql {
    @Override
    String lockQueueType() {
      return "SELECT paused, max_concurrency FROM queue_types WHERE type = ?";
    }
  }

  static final class SqliteAgentSql extends AgentSql {
    @Override
    String countCapableAgents() {
      return "SELECT COUNT(*) FROM agents, json_each(agents.capabilities) c"
          + " WHERE c.value = ? AND agents.signed_off = FALSE";
    }
  }

  /**
   * A partial index is used only when the query repeats its WHERE term literally, and the indexes
   * of V4 and V6 say {@code = 1} and {@code = 0}, not TRUE and FALSE.
   */
  static final class SqliteEventSql extends EventSql {
    @Override
    String rulesPending() {
      return "SELECT seq, topic, data, source, created_at FROM events WHERE rules_pending = 1"
          + " AND created_at < ? ORDER BY created_at, seq LIMIT ?";
    }
  }

  /** As {@link SqliteEventSql}: the literal of the partial index {@code schedules_due}. */
  static final class SqliteScheduleSql extends ScheduleSql {
    @Override
    String due() {
      return "SELECT * FROM schedules WHERE paused = 0 AND next_run_at <= ?"
          + " ORDER BY next_run_at, name";
    }
  }
}
