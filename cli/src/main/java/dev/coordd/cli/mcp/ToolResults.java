package dev.coordd.cli.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a tool call returns: a text result, either a tool body's sentence or its value as compact
 * JSON, or an error an agent can act on. Errors are results with {@code isError} set, never
 * protocol errors.
 */
final class ToolResults {
  private ToolResults() {}

  /**
   * A value that is not a JSON object is wrapped in one named after the tool's area ({@code
   * {"tasks": […]}} for task_list): Gemini CLI reports a tool whose result is not an object as
   * failed, even though the daemon did the work.
   */
  static CallToolResult ok(String tool, Object value) {
    String text;
    if (value instanceof String s) {
      text = s;
    } else {
      JsonNode node = compact(Json.MAPPER.valueToTree(value));
      if (!node.isObject()) {
        ObjectNode wrapper = Json.MAPPER.createObjectNode();
        wrapper.set(node.isArray() ? plural(tool) : "result", node);
        node = wrapper;
      }
      text = Json.write(node);
    }
    return CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  /** {@code task_claim} → {@code tasks}. */
  private static String plural(String tool) {
    int underscore = tool.indexOf('_');
    return (underscore < 0 ? tool : tool.substring(0, underscore)) + "s";
  }

  static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
  }

  /**
   * The service's complaint about a request, told in the tool's own argument names: the service
   * names its fields ({@code ttlMs}), but the agent passed {@code ttl} and would look for a {@code
   * ttlMs} it never saw. A field that is an argument, or that no argument matches, is left as is.
   */
  static CallToolResult invalid(InvalidRequestException e, Set<String> args) {
    String field = e.field();
    String arg = field == null || args.contains(field) ? null : argumentFor(field, args);
    if (arg == null) {
      return error(e.getMessage());
    }
    String message = e.getMessage().replaceAll("\\b" + Pattern.quote(field) + "\\b", arg);
    if (field.endsWith("Ms")) {
      message += " (the numbers are milliseconds; give " + arg + " as a duration such as 10m)";
    }
    return error(message);
  }

  /** {@code ttlMs} → {@code ttl}, {@code waitMs} → {@code wait}; awaiting a task is a wait. */
  private static String argumentFor(String field, Set<String> args) {
    String bare = field.endsWith("Ms") ? field.substring(0, field.length() - 2) : field;
    if (args.contains(bare)) {
      return bare;
    }
    return field.equals("timeoutMs") && args.contains("wait") ? "wait" : null;
  }

  /**
   * Drops the null fields and empty run lists of coordd's own objects (tasks, agents, invocations),
   * one level deep: they cost tokens and say nothing. Data and results are left exactly as they
   * are.
   */
  static JsonNode compact(JsonNode node) {
    if (node instanceof ArrayNode array) {
      array.forEach(ToolResults::compact);
    } else if (node instanceof ObjectNode object) {
      object
          .properties()
          .removeIf(
              e ->
                  e.getValue().isNull()
                      || (e.getKey().equals("runs")
                          && e.getValue().isArray()
                          && e.getValue().isEmpty()));
    }
    return node;
  }
}
