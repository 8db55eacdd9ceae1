package dev.coordd.daemon.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.engine.Barriers;
import dev.coordd.daemon.handler.AwaitExternal;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.internal.Json;
import java.util.List;
import java.util.Set;

/**
 * The built-in {@code coordination} type. Action {@code synchronize_agents} is a barrier: the task
 * succeeds once every named agent has arrived ({@code arrive(barrier, agent)}) and fails when its
 * timeout passes first. It waits in {@code waiting}, holding no worker (see {@link Barriers}). The
 * barrier is the task id unless {@code barrier} names one.
 */
public final class CoordinationHandler implements TaskHandler {
  static final long DEFAULT_BARRIER_TIMEOUT_MS = 60_000;
  private static final JsonNode SCHEMA =
      Json.read(
          """
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
    Set<String> expected = Barriers.expected(data);
    String barrier = data.hasNonNull("barrier") ? data.get("barrier").asText() : ctx.task().id();
    List<String> arrived = barriers.arrived(barrier);
    if (arrived.containsAll(expected)) {
      // Everyone came before the task ran: release it by the same path as a late arrival, which
      // also forgets the arrivals so the barrier's name starts afresh.
      throw new AwaitExternal(Barriers.WAIT_KIND + barrier, ctx.task().startedAt());
    }
    throw new AwaitExternal(
        Barriers.WAIT_KIND + barrier, ctx.task().startedAt() + timeoutMillis(data));
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
