package dev.coordd.daemon.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Invocation;
import dev.coordd.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Invocation steps on the {@code invocations} table, with the SQL of the transaction's dialect
 * ({@link InvocationSql}). A state change returns the changed row, or null when the row was not in
 * the state it leaves (another session got there first, or there is no such row): the caller says
 * which. Stateless and thread-safe.
 */
public final class InvocationRows {
  public void insert(Tx tx, Invocation inv) throws SQLException {
    tx.update(
        tx.sql().invocations().insert(),
        inv.id(),
        inv.taskId(),
        inv.agentType(),
        inv.command(),
        Json.write(inv.context()),
        inv.createdAt(),
        Tx.bigint(inv.expiresAt()));
  }

  public List<Invocation> pending(Tx tx) throws SQLException {
    return tx.query(tx.sql().invocations().pending(), InvocationRows::invocation);
  }

  public List<Invocation> openFor(Tx tx, String taskId) throws SQLException {
    return tx.query(tx.sql().invocations().openFor(), InvocationRows::invocation, taskId);
  }

  public Invocation get(Tx tx, String id) throws SQLException {
    return tx.queryOne(tx.sql().invocations().one(), InvocationRows::invocation, id);
  }

  public Invocation take(Tx tx, String id, String agent, long now) throws SQLException {
    return tx.queryOne(tx.sql().invocations().take(), InvocationRows::invocation, agent, now, id);
  }

  public Invocation finish(Tx tx, String id, String status, long now, JsonNode result, String error)
      throws SQLException {
    return tx.queryOne(
        tx.sql().invocations().finish(),
        InvocationRows::invocation,
        status,
        now,
        Tx.text(result == null ? null : Json.write(result)),
        Tx.text(error),
        id);
  }

  public Invocation closePending(Tx tx, String id, String status, long now, String error)
      throws SQLException {
    return tx.queryOne(
        tx.sql().invocations().closePending(),
        InvocationRows::invocation,
        status,
        now,
        Tx.text(error),
        id);
  }

  public int deleteArchived(Tx tx, long cutoff, int max) throws SQLException {
    return tx.update(tx.sql().invocations().deleteArchived(), cutoff, max);
  }

  private static Invocation invocation(ResultSet rs) throws SQLException {
    String result = rs.getString("result");
    return new Invocation(
        rs.getString("id"),
        rs.getString("task_id"),
        rs.getString("agent_type"),
        rs.getString("command"),
        Json.read(rs.getString("context")),
        rs.getString("status"),
        rs.getLong("created_at"),
        nullableLong(rs, "expires_at"),
        rs.getString("taken_by"),
        nullableLong(rs, "taken_at"),
        nullableLong(rs, "finished_at"),
        result == null ? null : Json.read(result),
        rs.getString("error"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
