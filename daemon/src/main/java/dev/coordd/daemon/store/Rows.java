package dev.coordd.daemon.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Maps rows to API records. Columns are read by name so {@code SELECT *} order does not matter. */
final class Rows {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Rows() {}

  static Task task(ResultSet rs) throws SQLException {
    return new Task(
        rs.getString("id"),
        rs.getString("type"),
        rs.getString("description"),
        Json.read(rs.getString("data")),
        TaskStatus.parse(rs.getString("status")),
        rs.getInt("priority"),
        rs.getString("assigned_to"),
        rs.getString("created_by"),
        rs.getLong("run_at"),
        rs.getInt("attempts"),
        rs.getInt("max_attempts"),
        nullableLong(rs, "timeout_ms"),
        rs.getString("idempotency_key"),
        Json.read(rs.getString("result")),
        error(rs.getString("error")),
        rs.getString("lease_owner"),
        nullableLong(rs, "lease_expires_at"),
        nullableLong(rs, "lease_ms"),
        rs.getString("claim_token"),
        rs.getLong("created_at"),
        nullableLong(rs, "started_at"),
        nullableLong(rs, "finished_at"),
        rs.getString("waiting_for"),
        nullableLong(rs, "wait_until"),
        List.of());
  }

  static TaskRun run(ResultSet rs) throws SQLException {
    String message = rs.getString("error_message");
    int attempt = rs.getInt("attempt");
    return new TaskRun(
        attempt,
        rs.getString("worker"),
        nullableLong(rs, "started_at"),
        rs.getLong("finished_at"),
        rs.getString("outcome"),
        Json.read(rs.getString("result")),
        message == null ? null : new TaskError(message, rs.getString("error_kind"), attempt));
  }

  /** Status is derived from the last beat, so it is never stale in the table itself. */
  static Agent agent(ResultSet rs, long now, long staleAfterMs, long offlineAfterMs)
      throws SQLException {
    long last = rs.getLong("last_heartbeat");
    AgentStatus status;
    if (rs.getBoolean("signed_off") || now - last >= offlineAfterMs) {
      status = AgentStatus.OFFLINE;
    } else if (now - last >= staleAfterMs) {
      status = AgentStatus.STALE;
    } else {
      status = AgentStatus.ACTIVE;
    }
    try {
      return new Agent(
          rs.getString("id"),
          rs.getString("name"),
          Agent.roleOf(rs.getString("name")),
          rs.getString("kind"),
          Json.MAPPER.readValue(rs.getString("capabilities"), STRINGS),
          Json.read(rs.getString("metadata")),
          status,
          rs.getLong("registered_at"),
          last);
    } catch (IOException e) {
      throw new IllegalStateException("stored capabilities are corrupt", e);
    }
  }

  static String errorJson(TaskError error) {
    return error == null ? null : Json.write(error);
  }

  private static TaskError error(String json) {
    JsonNode node = Json.read(json);
    if (node == null || node.isNull()) {
      return null;
    }
    return new TaskError(
        node.path("message").asText(), node.path("kind").asText(), node.path("attempt").asInt());
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
