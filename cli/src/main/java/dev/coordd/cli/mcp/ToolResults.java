package dev.coordd.cli.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/**
 * What a tool call returns: a text result, either a tool body's sentence or its value as compact
 * JSON, or an error an agent can act on. Errors are results with {@code isError} set, never
 * protocol errors.
 */
final class ToolResults {
  private ToolResults() {}

  static CallToolResult ok(Object value) {
    String text =
        value instanceof String s ? s : Json.write(compact(Json.MAPPER.valueToTree(value)));
    return CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  static CallToolResult error(String message) {
    return CallToolResult.builder().addTextContent(message).isError(true).build();
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
