package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection with a prepared-statement cache and terse bind-and-run helpers. Not thread-safe: the
 * writer owns one for its lifetime; readers wrap a pooled connection for one call.
 */
public final class Tx {
  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final boolean cache;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  Tx(Connection connection, boolean cache) {
    this.connection = connection;
    this.cache = cache;
  }

  public Connection connection() {
    return connection;
  }

  public int update(String sql, Object... args) throws SQLException {
    PreparedStatement ps = prepare(sql, args);
    try {
      return ps.executeUpdate();
    } finally {
      release(ps);
    }
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    PreparedStatement ps = prepare(sql, args);
    try (ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    } finally {
      release(ps);
    }
  }

  public <T> T queryOne(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    List<T> rows = query(sql, mapper, args);
    return rows.isEmpty() ? null : rows.get(0);
  }

  public long count(String sql, Object... args) throws SQLException {
    Long n = queryOne(sql, rs -> rs.getLong(1), args);
    return n == null ? 0 : n;
  }

  private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
    PreparedStatement ps = cache ? statements.get(sql) : null;
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      if (cache) {
        statements.put(sql, ps);
      }
    }
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private void release(PreparedStatement ps) throws SQLException {
    if (cache) {
      ps.clearParameters();
    } else {
      ps.close();
    }
  }

  void closeStatements() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing on shutdown; the connection is closed next anyway
      }
    }
    statements.clear();
  }
}
