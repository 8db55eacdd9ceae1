package dev.coordd.daemon.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.internal.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task types this daemon runs itself, with each handler's compiled data schema. Handlers may be
 * registered while the daemon runs; the dispatcher reads {@link #typesJson()} on every claim.
 * Thread-safe.
 */
public final class HandlerRegistry {
  private static final JsonSchemaFactory SCHEMAS =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private record Entry(TaskHandler handler, JsonSchema schema) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private volatile String typesJson = "[]";

  public void register(String type, TaskHandler handler) {
    if (!Rules.isName(type)) {
      throw new IllegalArgumentException(
          "task type '" + type + "' is not a valid name: " + Rules.NAME_RULE);
    }
    JsonNode schema = handler.dataSchema();
    JsonSchema compiled = schema == null ? null : SCHEMAS.getSchema(schema);
    entries.put(type, new Entry(handler, compiled));
    typesJson = Json.write(new TreeSet<>(entries.keySet()));
  }

  public TaskHandler get(String type) {
    Entry e = entries.get(type);
    return e == null ? null : e.handler();
  }

  public boolean handles(String type) {
    return entries.containsKey(type);
  }

  public Set<String> types() {
    return new TreeSet<>(entries.keySet());
  }

  /** The handled types as a JSON array, ready to bind into the claim. */
  public String typesJson() {
    return typesJson;
  }

  /**
   * Checks data against the type's schema; the error names every offending field as {@code
   * data.<path>}.
   */
  public void validate(String type, JsonNode data) {
    Entry e = entries.get(type);
    if (e == null) {
      return;
    }
    Set<ValidationMessage> problems = e.schema() == null ? Set.of() : e.schema().validate(data);
    if (problems.isEmpty()) {
      e.handler().checkData(data);
      return;
    }
    List<String> messages = problems.stream().map(HandlerRegistry::describe).sorted().toList();
    String first = problems.iterator().next().getInstanceLocation().toString();
    throw new InvalidRequestException(
        fieldOf(first),
        "invalid data for task type '" + type + "': " + String.join("; ", messages));
  }

  private static String describe(ValidationMessage m) {
    String text = m.getMessage();
    // networknt prefixes "$.field: ..." or "$: ..."; speak of the task's data instead.
    return text.startsWith("$") ? "data" + text.substring(1) : text;
  }

  private static String fieldOf(String location) {
    return location.startsWith("$") ? "data" + location.substring(1) : location;
  }
}
