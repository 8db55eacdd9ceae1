package dev.coordd.cli.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import java.util.List;

/**
 * The model's side of the main use case, through coordd's MCP tools: claim a task, complete it with
 * the id the claim answered (and its attempt token when the claim handed one out), then say it is
 * done. The tool names carry the prefix the CLI gives MCP tools ({@code mcp__coordd__} for Claude
 * Code).
 *
 * @param prefix what the CLI puts before coordd's tool names
 * @param agent the agent the model acts as (passed explicitly, as a model told its name would)
 * @param types the task types to claim
 * @param result what the model reports as the task's result
 */
public record ClaimAndComplete(String prefix, String agent, List<String> types, String result)
    implements Script {
  @Override
  public Turn next(Exchange exchange) {
    return switch (exchange.turn()) {
      case 0 -> {
        ObjectNode args = Json.MAPPER.createObjectNode().put("agent", agent);
        types.forEach(args.putArray("types")::add);
        yield Turn.call(prefix + "task_claim", args);
      }
      case 1 -> {
        JsonNode task = claimed(exchange.lastToolResult());
        if (task == null) {
          yield Turn.say("The claim gave me nothing: " + exchange.lastToolResult());
        }
        ObjectNode args = Json.MAPPER.createObjectNode();
        args.put("id", task.path("id").asText()).put("agent", agent);
        if (task.hasNonNull("claimToken")) {
          args.put("token", task.path("claimToken").asText());
        }
        args.putObject("result").put("summary", result);
        yield Turn.call(prefix + "task_complete", args);
      }
      default -> Turn.say("Done: " + result);
    };
  }

  /**
   * The first task in a claim's answer ({@code {"tasks": […]}}, a bare array or one task). The CLIs
   * wrap a tool's text before the model sees it (Codex: "Wall time: …\nOutput:", Gemini: {@code
   * <untrusted_context>}), so the JSON starts at the first bracket.
   */
  static JsonNode claimed(String toolResult) {
    if (toolResult == null) {
      return null;
    }
    int start = -1;
    for (int i = 0; i < toolResult.length() && start < 0; i++) {
      char c = toolResult.charAt(i);
      if (c == '{' || c == '[') {
        start = i;
      }
    }
    if (start < 0) {
      return null; // an error text, not JSON
    }
    JsonNode answer;
    try {
      answer = Json.MAPPER.readerFor(JsonNode.class).readValue(toolResult.substring(start));
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
    JsonNode tasks = answer.has("tasks") ? answer.get("tasks") : answer;
    JsonNode task = tasks.isArray() ? tasks.path(0) : tasks;
    return task.hasNonNull("id") ? task : null;
  }
}
