package dev.coordd.daemon.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.engine.Barriers;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in {@code coordination} type. Action {@code synchronize_agents} is a barrier: the task
 * succeeds once every named agent has arrived (they all see it finish together) and fails when its
 * timeout passes first, naming who never came. The barrier is the task id unless {@code barrier}
 * names one.
 */
public final class CoordinationHandler implements TaskHandler {
  static final long DEFAULT_BARRIER_TIMEOUT_MS = 60_000;
  private static final long RECHECK_MS = 200;
  private static final JsonNode SCHEMA = Json.read("""
      {
        "type": "object",
        "required": ["action", "agents"],
        "properties": {
          "action": {"enum": ["synchronize_agents"]},
          "agents": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
          "barrier": {"type": "string", "minLength": 1, "maxLength": 200},
          "timeout": {"type": ["string", "integer"]}
        },
        "additionalProperties": false
      }
      """);

  private final Barriers barriers;

  public CoordinationHandler(Barriers barriers) {
    this.barriers = barriers;
  }

  @Override
  public JsonNode dataSchema() {
    return SCHEMA;
  }

  @Override
  public void checkData(JsonNode data) {
    try {
      timeoutMillis(data);
    } catch (TaskFailure e) {
      throw new InvalidRequestException("data.timeout", e.getMessage());
    }
  }

  @Override
  public JsonNode handle(TaskContext ctx) throws Exception {
    JsonNode data = ctx.data();
    Set<String> expected = new LinkedHashSet<>();
    data.path("agents").forEach(a -> expected.add(a.asText()));
    String barrier = data.hasNonNull("barrier") ? data.get("barrier").asText() : ctx.task().id();
    long deadline = Math.min(ctx.deadline(), ctx.task().startedAt() + timeoutMillis(data));
    while (true) {
      long seen = barriers.generation();
      List<String> arrived = barriers.arrived(barrier);
      List<String> missing = new ArrayList<>(expected);
      missing.removeAll(arrived);
      if (missing.isEmpty()) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("action", "synchronize_agents").put("barrier", barrier);
        result.set("agents", Json.MAPPER.valueToTree(expected));
        result.put("releasedAt", ctx.clock().millis());
        return result;
      }
      if (ctx.clock().millis() >= deadline) {
        throw TaskFailure.permanent("timeout", "barrier '" + barrier + "' timed out: still waiting"
            + " for " + missing + "; arrived: " + arrived.stream().filter(expected::contains).toList());
      }
      barriers.awaitArrival(seen, RECHECK_MS); // recheck: the clock may have moved
    }
  }

  private static long timeoutMillis(JsonNode data) throws TaskFailure {
    JsonNode t = data.get("timeout");
    if (t == null || t.isNull()) {
      return DEFAULT_BARRIER_TIMEOUT_MS;
    }
    try {
      long ms = t.isNumber() ? t.asLong() : Durations.parse(t.asText()).toMillis();
      if (ms <= 0) {
        throw new IllegalArgumentException("must be positive, got " + t);
      }
      return ms;
    } catch (IllegalArgumentException e) {
      throw TaskFailure.permanent("invalid", "data.timeout: " + e.getMessage());
    }
  }
}
