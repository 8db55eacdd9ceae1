package dev.coordd.daemon.store;

/**
 * The catalog SQL of {@link StoreCopy}: which tables and columns each side has, and how
 * PostgreSQL's identity sequences are moved past the copied numbers. The copy reads the catalogs
 * instead of naming tables so that every table the migrations create (a later one included) is
 * copied by the columns both sides share.
 */
final class StoreCopySql {
  private StoreCopySql() {}

  /**
   * The bookkeeping of the {@link Migrator}, and the task counts (and PostgreSQL's pending count
   * changes) the target's triggers keep as the tasks are copied (V11): each side keeps its own,
   * never copied.
   */
  static boolean bookkeeping(String table) {
    return table.equals("schema_version")
        || table.equals("schema_checksums")
        || table.equals("task_counts")
        || table.equals("task_count_changes");
  }

  /**
   * One invocation from a home's files, every column named (the daemon's own insert is pending).
   */
  static final String PG_INSERT_INVOCATION =
      "INSERT INTO invocations (id, task_id, agent_type, command, context, status, created_at,"
          + " expires_at, taken_by, taken_at, finished_at, result, error)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** SQLite's tables in the order they were created, which is migration order. */
  static final String SQLITE_TABLES =
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
          + " ORDER BY rowid";

  /** One row per column of a table; the column's name is the second field. */
  static String sqliteColumns(String table) {
    return "PRAGMA table_info(" + quote(table) + ")";
  }

  /**
   * Whether the file has AUTOINCREMENT counters at all (sqlite_sequence exists once one is used).
   */
  static final String SQLITE_HAS_SEQUENCES =
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'";

  /**
   * The highest number an AUTOINCREMENT column has handed out, deleted rows included: the copy's
   * sequence continues after it, so a number is never handed out twice across the move.
   */
  static final String SQLITE_SEQUENCE = "SELECT seq FROM sqlite_sequence WHERE name = ?";

  static final String SQLITE_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

  static final String SQLITE_HAS_VERSION =
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";

  static final String PG_TABLES =
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
          + " AND table_type = 'BASE TABLE' ORDER BY table_name";

  /** Parameter: the table. Columns with their types, which decide how a SQLite value is bound. */
  static final String PG_COLUMNS =
      "SELECT column_name, data_type FROM information_schema.columns"
          + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position";

  static final String PG_IDENTITIES =
      "SELECT table_name, column_name FROM information_schema.columns"
          + " WHERE table_schema = current_schema() AND is_identity = 'YES'"
          + " ORDER BY table_name, column_name";

  /**
   * Parameters: table, column, value, is_called. With is_called true the next number is value + 1;
   * false with 1 leaves an empty table's sequence at its start.
   */
  static final String PG_SET_SEQUENCE =
      "SELECT setval(pg_get_serial_sequence(quote_ident(?), ?), ?, ?)";

  static final String PG_SCHEMA = "SELECT current_schema()";

  static final String PG_HAS_VERSION =
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"
          + " AND table_name = 'schema_version'";

  static final String PG_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

  /**
   * Waits this long for a table lock held by someone else (a daemon on the target) and gives up.
   */
  static final String PG_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '10s'";

  /**
   * Keeps every other writer (a daemon started on the target meanwhile) out until the copy commits,
   * so the emptiness check holds for the whole copy; readers are not blocked.
   */
  static String lockTable(String table) {
    return "LOCK TABLE " + quote(table) + " IN EXCLUSIVE MODE";
  }

  static String anyRow(String table) {
    return "SELECT COUNT(*) FROM (SELECT 1 FROM " + quote(table) + " LIMIT 1) AS one";
  }

  static String count(String table) {
    return "SELECT COUNT(*) FROM " + quote(table);
  }

  static String max(String table, String column) {
    return "SELECT COALESCE(MAX(" + quote(column) + "), 0) FROM " + quote(table);
  }

  static String select(String table, java.util.List<String> columns) {
    return "SELECT " + list(columns) + " FROM " + quote(table);
  }

  static String insert(String table, java.util.List<String> columns) {
    return "INSERT INTO "
        + quote(table)
        + " ("
        + list(columns)
        + ") VALUES ("
        + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
        + ")";
  }

  private static String list(java.util.List<String> columns) {
    return String.join(", ", columns.stream().map(StoreCopySql::quote).toList());
  }

  /** A name read from a catalog as a quoted identifier (both databases quote with "). */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
