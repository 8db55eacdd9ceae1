package dev.coordd.daemon.store;

import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** Queue policy statements: per-type pause and concurrency cap. Stateless and thread-safe. */
public final class QueueStore {
  /** A type's pause flag and cap (null: none). */
  public record Policy(boolean paused, Integer cap) {}

  private final QueueSql sql;

  public QueueStore(SqlDialect sql) {
    this.sql = sql.queues();
  }

  public Map<String, Policy> policies(Tx tx) throws SQLException {
    Map<String, Policy> out = new TreeMap<>();
    tx.query(
        sql.queueTypes(),
        rs -> {
          out.put(rs.getString(1), policy(rs, 2));
          return null;
        });
    return out;
  }

  /**
   * The type's policy as committed now, its row locked until the transaction ends (where the
   * database has row locks); null if the type has none.
   */
  public Policy lockPolicy(Tx tx, String type) throws SQLException {
    return tx.queryOne(sql.lockQueueType(), rs -> policy(rs, 1), type);
  }

  /** The pause flag in column {@code at}, the cap in the next. */
  private static Policy policy(java.sql.ResultSet rs, int at) throws SQLException {
    boolean paused = rs.getBoolean(at);
    int cap = rs.getInt(at + 1);
    Integer maybeCap = rs.wasNull() ? null : cap; // wasNull speaks of the last column read
    return new Policy(paused, maybeCap);
  }

  /** Running and queued counts per type with any. */
  public Map<String, long[]> counts(Tx tx) throws SQLException {
    Map<String, long[]> counts = new TreeMap<>();
    tx.query(
        sql.queueCounts(),
        rs -> counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}));
    return counts;
  }

  /**
   * @param paused null keeps the current flag; {@code cap} is written only when {@code setCap}
   */
  public void upsert(Tx tx, String type, Boolean paused, Integer cap, boolean setCap)
      throws SQLException {
    tx.update(
        sql.upsertQueueType(),
        type,
        paused != null && paused,
        Tx.integer(setCap ? cap : null),
        paused == null,
        setCap);
  }
}
