package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.internal.Json;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * tools/list exactly as agents receive it: every name, description and schema, pinned against a
 * golden copy ({@code tools-list.json}). Agents see any change here, so it must be a deliberate
 * one: update the golden copy in the same commit.
 */
class ToolsListTest {
  static final Path GOLDEN = Path.of("src/test/resources/dev/coordd/cli/mcp/tools-list.json");

  @Test
  void the_tools_list_is_exactly_the_pinned_one() throws IOException {
    // Compared as text, so key order counts too. Map.of iterates in an order seeded per JVM run, so
    // a multi-key Map.of anywhere in tools/list makes this fail on some runs: use props(...).
    String listed = pretty(listed());
    if (Boolean.getBoolean("coordd.updateGolden")) {
      // -Dcoordd.updateGolden=true rewrites the golden copy; review the diff before committing.
      Files.writeString(GOLDEN, listed);
    }
    assertThat(listed).isEqualTo(golden());
  }

  private static String pretty(String json) throws IOException {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.read(json)) + "\n";
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
}
