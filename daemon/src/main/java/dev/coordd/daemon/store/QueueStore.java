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
          boolean paused = rs.getBoolean(2);
          int cap = rs.getInt(3);
          Integer maybeCap = rs.wasNull() ? null : cap; // wasNull speaks of the last column read
          out.put(rs.getString(1), new Policy(paused, maybeCap));
          return null;
        });
    return out;
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
