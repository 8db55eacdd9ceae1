package dev.coordd.cli.doctor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The doctor's read-only questions to a store, in one place. They read tables the migrations define
 * ({@code schema_version}, {@code tasks}) and SQLite's own pragmas; nothing here writes. The
 * statements are plain SQL both stores accept, except the pragmas, which only the SQLite check
 * asks.
 */
final class StoreQueries {
  private StoreQueries() {}

  /** The store's schema version: 0 for a store no migration has touched. */
  static int schemaVersion(Connection c) throws SQLException {
    if (!hasTable(c, "schema_version")) {
      return 0;
    }
    return (int) one(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version").orElse(0);
  }

  /** The latest time (epoch ms) the store has written: task creations, ends, migrations. */
  static OptionalLong latestTimestamp(Connection c) throws SQLException {
    List<String> parts = new ArrayList<>();
    if (hasTable(c, "tasks")) {
      parts.add("SELECT MAX(created_at) FROM tasks");
      parts.add("SELECT MAX(finished_at) FROM tasks");
    }
    if (hasTable(c, "schema_version")) {
      parts.add("SELECT MAX(applied_at) FROM schema_version");
    }
    OptionalLong latest = OptionalLong.empty();
    for (String sql : parts) {
      OptionalLong t = one(c, sql);
      if (t.isPresent() && (latest.isEmpty() || t.getAsLong() > latest.getAsLong())) {
        latest = t;
      }
    }
    return latest;
  }

  /** SQLite's integrity check: {@code ok}, or the problems it found (at most {@code max}). */
  static List<String> sqliteIntegrity(Connection c, boolean full, int max) throws SQLException {
    List<String> out = new ArrayList<>();
    String pragma = (full ? "PRAGMA integrity_check(" : "PRAGMA quick_check(") + max + ")";
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(pragma)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** A pragma that answers one number, e.g. {@code page_count}. */
  static long sqlitePragma(Connection c, String name) throws SQLException {
    return one(c, "PRAGMA " + name).orElse(0);
  }

  private static boolean hasTable(Connection c, String table) throws SQLException {
    // In the connection's own schema (PostgreSQL's currentSchema): another schema's table is not
    // this store's.
    try (ResultSet rs =
        c.getMetaData().getTables(null, c.getSchema(), table, new String[] {"TABLE"})) {
      return rs.next();
    }
  }

  private static OptionalLong one(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        return OptionalLong.empty();
      }
      long v = rs.getLong(1);
      return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }
  }
}
