package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The built-in {@code invoke_agent} type. With a runner configured for the agent type (and mode
 * {@code auto} or {@code run}) it starts the agent CLI headless and returns its parsed result;
 * otherwise (or with mode {@code queue}) it writes an invocation for the next AI session and parks
 * the task in {@code waiting} until that session completes it. Never "succeeded" on queueing.
 */
public final class InvokeAgentHandler implements TaskHandler {
  private static final JsonNode SCHEMA =
      Json.read(
          """
      {
        "type": "object",
        "required": ["agentType", "command"],
        "properties": {
          "agentType": {"type": "string", "pattern": "^[a-z][a-z0-9_.-]{0,63}$"},
          "command": {"type": "string", "minLength": 1, "maxLength": 200000},
          "context": {"type": "object"},
          "mode": {"enum": ["auto", "queue", "run"]},
          "sessionId": {"type": "string", "minLength": 1, "maxLength": 200},
          "expiry": {"type": ["string", "integer"]}
        },
        "additionalProperties": false
      }
      """);

  private final Map<String, AgentInvoker> runners;
  private final InvocationQueue invocations;
  private final Path defaultFolder;

  /**
   * @param defaultFolder where agents run when the context names no folder
   */
  public InvokeAgentHandler(
      Map<String, AgentInvoker> runners, InvocationQueue invocations, Path defaultFolder) {
    this.runners = Map.copyOf(runners);
    this.invocations = invocations;
    this.defaultFolder = defaultFolder;
  }

  @Override
  public JsonNode dataSchema() {
    return SCHEMA;
  }

  @Override
  public void checkData(JsonNode data) {
    if ("run".equals(data.path("mode").asText()) && !runners.containsKey(agentType(data))) {
      throw new InvalidRequestException(
          "data.mode",
          "mode 'run' needs a runner for agent type '"
              + agentType(data)
              + "' in agentRunners; configured: "
              + runners.keySet()
              + " (or use mode 'queue' for the next session)");
    }
    try {
      expiry(data);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("data.expiry", "data.expiry: " + e.getMessage());
    }
  }

  @Override
  public JsonNode handle(TaskContext ctx) throws Exception {
    JsonNode data = ctx.data();
    String agentType = agentType(data);
    String command = data.get("command").asText();
    JsonNode context = data.path("context");
    AgentInvoker runner = runners.get(agentType);
    if (runner == null || "queue".equals(data.path("mode").asText())) {
      throw invocations.enqueue(
          ctx.task(), agentType, command, context.isObject() ? context : null, expiry(data));
    }
    String session = data.hasNonNull("sessionId") ? data.get("sessionId").asText() : null;
    return runner.run(command, folder(context), session);
  }

  private static String agentType(JsonNode data) {
    return data.path("agentType").asText();
  }

  private static Duration expiry(JsonNode data) {
    JsonNode e = data.get("expiry");
    if (e == null || e.isNull()) {
      return null;
    }
    Duration d = e.isNumber() ? Duration.ofMillis(e.asLong()) : Durations.parse(e.asText());
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be positive, got " + e);
    }
    return d;
  }

  /** The context's working folder ({@code cwd}, {@code workingDirectory} or {@code repo}). */
  private Path folder(JsonNode context) throws TaskFailure {
    for (String key : new String[] {"cwd", "workingDirectory", "repo"}) {
      if (context.hasNonNull(key)) {
        Path p = Path.of(context.get(key).asText());
        if (!Files.isDirectory(p)) {
          throw TaskFailure.permanent("invalid", "context." + key + " is not a folder: " + p);
        }
        return p;
      }
    }
    return defaultFolder;
  }
}
