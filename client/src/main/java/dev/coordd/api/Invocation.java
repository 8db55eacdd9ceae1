package dev.coordd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Work queued for an AI agent session because no runner could start one: the original's invocation
 * file. It moves {@code pending → processing → archive}; its task stays {@code waiting} until the
 * invocation is completed or failed, then finishes with the agent's result.
 *
 * @param status {@code pending}, {@code processing}, {@code completed}, {@code failed}, {@code
 *     expired} or {@code cancelled}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Invocation(
    String id,
    String taskId,
    String agentType,
    String command,
    JsonNode context,
    String status,
    long createdAt,
    Long expiresAt,
    String takenBy,
    Long takenAt,
    Long finishedAt,
    JsonNode result,
    String error) {

  public static final String PENDING = "pending";
  public static final String PROCESSING = "processing";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String EXPIRED = "expired";
  public static final String CANCELLED = "cancelled";

  /** A new invocation, waiting for a session to take it; no context is an empty object. */
  public static Invocation pending(
      String id,
      String taskId,
      String agentType,
      String command,
      JsonNode context,
      long createdAt,
      Long expiresAt) {
    return new Invocation(
        id,
        taskId,
        agentType,
        command,
        context == null ? JsonNodeFactory.instance.objectNode() : context,
        PENDING,
        createdAt,
        expiresAt,
        null,
        null,
        null,
        null,
        null);
  }
}
