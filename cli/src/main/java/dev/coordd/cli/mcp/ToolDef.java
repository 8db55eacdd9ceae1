package dev.coordd.cli.mcp;

import dev.coordd.api.CoordinationService;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One MCP tool: what tools/list shows of it (name, description, input schema), the argument names
 * it accepts, and the body that runs a call.
 */
record ToolDef(
    String name, String description, Map<String, Object> schema, Set<String> args, Body body) {

  /** A tool's work: its checked arguments in, a result (text or any JSON-able value) out. */
  @FunctionalInterface
  interface Body {
    Object run(Args args, CoordinationService service);
  }

  /** A tool whose schema lists {@code props} in order; every property is an accepted argument. */
  static ToolDef of(
      String name,
      String description,
      List<String> required,
      Map<String, Object> props,
      Body body) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    if (!required.isEmpty()) {
      schema.put("required", required);
    }
    return new ToolDef(name, description, schema, new LinkedHashSet<>(props.keySet()), body);
  }

  /** As tools/list shows it. */
  McpSchema.Tool tool() {
    return McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build();
  }
}
