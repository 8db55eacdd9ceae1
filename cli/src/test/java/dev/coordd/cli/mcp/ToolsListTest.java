package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tools/list exactly as agents receive it: every name, description and schema, pinned against a
 * golden copy ({@code tools-list.json}). Agents see any change here, so it must be a deliberate
 * one: update the golden copy in the same commit.
 */
class ToolsListTest {
  @Test
  void the_tools_list_is_exactly_the_pinned_one() throws IOException {
    JsonNode actual = Json.read(listed());
    JsonNode golden = Json.read(golden());

    // JSON objects compare regardless of key order: the small leaf schemas are Map.of maps, whose
    // iteration order changes from one JVM run to the next.
    assertThat(actual).isEqualTo(golden);
    // The order that is fixed, and that an agent reads: the tools, and each one's arguments.
    assertThat(argumentOrder(actual)).isEqualTo(argumentOrder(golden));
  }

  private static String listed() throws IOException {
    return new JacksonMcpJsonMapper(McpCommand.mapper())
        .writeValueAsString(new McpSchema.ListToolsResult(CoorddTools.tools(), null, null));
  }

  private static String golden() throws IOException {
    try (InputStream in = ToolsListTest.class.getResourceAsStream("tools-list.json")) {
      assertThat(in).as("tools-list.json next to this test").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** {@code name: schema keys; property names} per tool, in order. */
  private static List<String> argumentOrder(JsonNode listed) {
    List<String> order = new ArrayList<>();
    for (JsonNode tool : listed.get("tools")) {
      JsonNode schema = tool.get("inputSchema");
      List<String> keys = new ArrayList<>();
      schema.fieldNames().forEachRemaining(keys::add);
      List<String> props = new ArrayList<>();
      schema.get("properties").fieldNames().forEachRemaining(props::add);
      order.add(tool.get("name").asText() + ": " + keys + "; " + props);
    }
    return order;
  }
}
