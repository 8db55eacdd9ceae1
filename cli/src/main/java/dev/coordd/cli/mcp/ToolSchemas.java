package dev.coordd.cli.mcp;

import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pieces of the tools' input schemas, as small as they can be: an agent pays for every byte of
 * tools/list in tokens on every session.
 */
final class ToolSchemas {
  private ToolSchemas() {}

  /**
   * Key, value, key, value…: kept in the order given. Every map of more than one key in a schema or
   * a result is built here, so tools/list and results are the same bytes on every run ({@code
   * Map.of} iterates in an order that changes between JVM runs).
   */
  static Map<String, Object> props(Object... namesAndSchemas) {
    Map<String, Object> props = new LinkedHashMap<>();
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      props.put((String) namesAndSchemas[i], namesAndSchemas[i + 1]);
    }
    return props;
  }

  static Map<String, Object> str() {
    return Map.of("type", "string");
  }

  static Map<String, Object> integer() {
    return Map.of("type", "integer");
  }

  static Map<String, Object> bool() {
    return Map.of("type", "boolean");
  }

  static Map<String, Object> obj() {
    return Map.of("type", "object");
  }

  static Map<String, Object> strs() {
    return props("type", "array", "items", str());
  }

  /**
   * A {@code wait}: a duration as the CLI writes it, up to {@link CoorddTools#MAX_WAIT_SECONDS}. A
   * plain number of seconds is accepted too but not advertised: the CLI's form is the one to learn.
   */
  static Map<String, Object> duration() {
    return props(
        "type",
        "string",
        "description",
        "e.g. 30s; max " + Durations.format(Duration.ofSeconds(CoorddTools.MAX_WAIT_SECONDS)));
  }

  /** A claim's lease, as the CLI's {@code --lease} takes it. */
  static Map<String, Object> lease() {
    return props("type", "string", "description", "e.g. 45m; max 24h");
  }

  static Map<String, Object> statusSchema() {
    return Map.of("enum", Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList());
  }
}
