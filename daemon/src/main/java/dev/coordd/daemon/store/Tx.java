package dev.coordd.daemon.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection with a prepared-statement cache, its dialect's SQL and terse bind-and-run helpers.
 * Not thread-safe: the writer owns one for its lifetime; readers wrap a pooled connection for one
 * call.
 *
 * <p>A value that may be null is bound through {@link #text}, {@link #bigint} or {@link #integer},
 * so a null goes to the database with its SQL type: PostgreSQL cannot always infer the type of a
 * bare null parameter. A bare null argument is refused.
 */
public final class Tx {
  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** A null parameter of a given {@link Types} type. */
  private record TypedNull(int sqlType) {}

  private static final TypedNull NULL_TEXT = new TypedNull(Types.VARCHAR);
  private static final TypedNull NULL_BIGINT = new TypedNull(Types.BIGINT);
  private static final TypedNull NULL_INTEGER = new TypedNull(Types.INTEGER);

  private final Connection connection;
  private final SqlDialect sql;
  private final boolean cache;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final LongAdder sent; // statements run, counted for the writer's tests; null: not counted

  Tx(Connection connection, SqlDialect sql, boolean cache) {
    this(connection, sql, cache, null);
  }

  Tx(Connection connection, SqlDialect sql, boolean cache, LongAdder sent) {
    this.connection = connection;
    this.sql = sql;
    this.cache = cache;
    this.sent = sent;
  }

  /** A text parameter that may be null. */
  public static Object text(String value) {
    return value == null ? NULL_TEXT : value;
  }

  /** A 64-bit integer parameter that may be null. */
  public static Object bigint(Long value) {
    return value == null ? NULL_BIGINT : value;
  }

  /** A 32-bit integer parameter that may be null. */
  public static Object integer(Integer value) {
    return value == null ? NULL_INTEGER : value;
  }

  public Connection connection() {
    return connection;
  }

  /**
   * A SQL array parameter of {@code elementType} (e.g. {@code text}, {@code bigint}); nulls are
   * kept as null elements. For databases with arrays ({@link TaskSql#setBased}).
   */
  Array array(String elementType, Object[] values) throws SQLException {
    return connection.createArrayOf(elementType, values);
  }

  /** The SQL of the database this transaction runs on. */
  SqlDialect sql() {
    return sql;
  }

  public int update(String sql, Object... args) throws SQLException {
    PreparedStatement ps = prepare(sql, args);
    int changed;
    try {
      changed = ps.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      evict(sql, ps);
      throw e;
    }
    release(sql, ps);
    return changed;
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    PreparedStatement ps = prepare(sql, args);
    List<T> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
    } catch (SQLException | RuntimeException e) {
      evict(sql, ps);
      throw e;
    }
    release(sql, ps);
    return out;
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
    if (sent != null) {
      sent.increment();
    }
    PreparedStatement ps = cache ? statements.get(sql) : null;
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      if (cache) {
        statements.put(sql, ps);
      }
    }
    for (int i = 0; i < args.length; i++) {
      bind(ps, i + 1, args[i], sql);
    }
    return ps;
  }

  private static void bind(PreparedStatement ps, int i, Object value, String sql)
      throws SQLException {
    switch (value) {
      case null ->
          throw new IllegalArgumentException(
              "parameter "
                  + i
                  + " is a null without a type; bind it with Tx.text, Tx.bigint or Tx.integer: "
                  + sql);
      case TypedNull n -> ps.setNull(i, n.sqlType());
      case String s -> ps.setString(i, s);
      case Long l -> ps.setLong(i, l);
      case Integer n -> ps.setInt(i, n);
      case Boolean b -> ps.setBoolean(i, b);
      default -> ps.setObject(i, value);
    }
  }

  private void release(String sql, PreparedStatement ps) throws SQLException {
    if (!cache) {
      ps.close();
      return;
    }
    try {
      ps.clearParameters();
    } catch (SQLException e) {
      evict(sql, ps);
    }
  }

  /**
   * Drops a statement that failed: after an error such as SQLITE_FULL the driver may have finalized
   * it, and reusing it would fail every later call (a COMMIT included) with "statement is not
   * executing" long after the cause is gone, hiding the real error. The next use prepares it
   * afresh. Closing errors are beside the point: the caller gets the first one.
   */
  private void evict(String sql, PreparedStatement ps) {
    if (cache) {
      statements.remove(sql, ps);
    }
    try {
      ps.close();
    } catch (SQLException ignored) {
      // already failing; the caller reports the first error
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
