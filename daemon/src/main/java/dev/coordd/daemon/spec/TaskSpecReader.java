package dev.coordd.daemon.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.config.Durations;
import dev.coordd.internal.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a task spec from JSON into a {@link NewTask}: the one reader behind every door that takes a
 * task as JSON (inbox files, schedules in the configuration, event rules, the MCP {@code
 * task_create} tool). Every door spells the fields the same and takes the same forms:
 *
 * <ul>
 *   <li>{@code delay} and {@code timeout}: a duration ({@code "30s"}, {@code "1m30s"}, {@code
 *       "PT5S"}, see {@link Durations}) or a whole number of milliseconds; {@code delayMs} and
 *       {@code timeoutMs}: a whole number of milliseconds. One of each pair, not both.
 *   <li>{@code data}: a JSON object; {@code dependsOn}: an array of task ids.
 * </ul>
 *
 * A door only narrows which fields it takes (a schedule sets the idempotency key of each slot
 * itself, so its template may not). Each value is checked through {@link Rules} as it is read,
 * under the path and spelling the caller used, so a bad priority reads {@code
 * schedules.nightly.task.priority must be between 0 and 1000000, got -1} here and {@code priority
 * must be between 0 and 1000000, got -1} from {@code createTask}. What needs the daemon (payload
 * size, whether someone runs the type) is still checked by {@code createTask}. Immutable and
 * thread-safe.
 */
public final class TaskSpecReader {
  /** Every field, in the order messages list them. */
  public static final List<String> ALL =
      List.of(
          "type",
          "description",
          "data",
          "assignedTo",
          "priority",
          "delayMs",
          "delay",
          "maxAttempts",
          "timeoutMs",
          "timeout",
          "idempotencyKey",
          "createdBy",
          "dependsOn");

  /** Inbox files: a task in full. */
  public static final TaskSpecReader INBOX = new TaskSpecReader(ALL, false);

  /** The task of a schedule: each slot sets its own idempotency key and createdBy. */
  public static final TaskSpecReader SCHEDULE =
      new TaskSpecReader(without(ALL, "idempotencyKey", "createdBy", "dependsOn"), false);

  /**
   * The task of an event rule: the rule's {@code assignTo} says who gets it, and each event sets
   * the idempotency key and createdBy.
   */
  public static final TaskSpecReader EVENT_RULE =
      new TaskSpecReader(
          without(ALL, "assignedTo", "idempotencyKey", "createdBy", "dependsOn"), false);

  /**
   * The MCP {@code task_create} tool. Lenient where agents are sloppy in harmless ways: numbers as
   * numeric text, {@code data} as JSON text, one id where a list is expected. Few fields, because
   * an agent pays for each one in tokens on every session.
   */
  public static final TaskSpecReader MCP =
      new TaskSpecReader(
          List.of("type", "description", "data", "assignedTo", "priority", "dependsOn"), true);

  private final List<String> fields;
  private final boolean lenient;

  private TaskSpecReader(List<String> fields, boolean lenient) {
    this.fields = List.copyOf(fields);
    this.lenient = lenient;
  }

  /** The fields this door takes, in message order. */
  public List<String> fields() {
    return fields;
  }

  /**
   * Reads the spec at {@code at} ({@code ""} for a top-level object, else e.g. {@code
   * schedules.nightly.task}).
   *
   * @throws InvalidRequestException naming the field's path, the value and what is allowed
   */
  public NewTask read(String at, JsonNode spec) {
    at = at == null ? "" : at;
    if (spec == null || !spec.isObject()) {
      String what = at.isEmpty() ? "a task" : at;
      throw new InvalidRequestException(
          at.isEmpty() ? null : at,
          what
              + " must be a JSON object with the task's fields, e.g. {\"type\": \"review\"}, got "
              + (spec == null ? "nothing" : kind(spec)));
    }
    unknownFields(at, spec);
    return new NewTask(
        Rules.name(Rules.path(at, "type"), text(at, spec, "type")),
        Rules.text(Rules.path(at, "description"), text(at, spec, "description"), Rules.MAX_TEXT),
        object(at, spec, "data"),
        Rules.optionalName(Rules.path(at, "assignedTo"), text(at, spec, "assignedTo")),
        integer(at, spec, "priority", Rules.MIN_PRIORITY, Rules.MAX_PRIORITY),
        millis(at, spec, "delayMs", "delay", false),
        integer(at, spec, "maxAttempts", 1, Rules.MAX_ATTEMPTS),
        millis(at, spec, "timeoutMs", "timeout", true),
        Rules.text(
            Rules.path(at, "idempotencyKey"),
            text(at, spec, "idempotencyKey"),
            Rules.MAX_IDEMPOTENCY_KEY),
        Rules.text(Rules.path(at, "createdBy"), text(at, spec, "createdBy"), Rules.MAX_CREATED_BY),
        Rules.dependencies(Rules.path(at, "dependsOn"), ids(at, spec, "dependsOn")));
  }

  private void unknownFields(String at, JsonNode spec) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : spec.properties()) {
      if (!fields.contains(e.getKey())) {
        unknown.add(Rules.path(at, e.getKey()));
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException(
          unknown.get(0),
          String.join(", ", unknown)
              + (unknown.size() == 1 ? " is not a known field" : " are not known fields")
              + "; allowed: "
              + String.join(", ", fields));
    }
  }

  /** The value of a field this door takes, or null when absent, JSON null or not taken. */
  private JsonNode get(JsonNode spec, String field) {
    JsonNode v = fields.contains(field) ? spec.get(field) : null;
    return v == null || v.isNull() ? null : v;
  }

  private String text(String at, JsonNode spec, String field) {
    JsonNode v = get(spec, field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(at, field, "a string", v);
    }
    return v.textValue();
  }

  private JsonNode object(String at, JsonNode spec, String field) {
    JsonNode v = get(spec, field);
    if (v != null && lenient && v.isTextual()) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(v.textValue());
        if (parsed != null && parsed.isObject()) {
          return parsed;
        }
      } catch (JsonProcessingException e) {
        // not JSON text: reported as the wrong type below
      }
    }
    if (v != null && !v.isObject()) {
      throw wrongType(at, field, "a JSON object", v);
    }
    return v == null ? null : v.deepCopy();
  }

  private Integer integer(String at, JsonNode spec, String field, int min, int max) {
    JsonNode v = numeric(get(spec, field));
    if (v == null) {
      return null;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
      throw wrongType(at, field, "a whole number", get(spec, field));
    }
    return Rules.range(Rules.path(at, field), v.asLong(), min, max);
  }

  /** In lenient mode, numeric text as its number; otherwise the node as it is. */
  private JsonNode numeric(JsonNode v) {
    if (v != null && lenient && v.isTextual()) {
      try {
        return Json.MAPPER.getNodeFactory().numberNode(new BigDecimal(v.textValue().trim()));
      } catch (NumberFormatException e) {
        return v;
      }
    }
    return v;
  }

  /**
   * A time given either as {@code msField} (whole milliseconds) or as {@code textField} (a duration
   * or whole milliseconds), not both.
   */
  private Long millis(
      String at, JsonNode spec, String msField, String textField, boolean positive) {
    JsonNode ms = get(spec, msField);
    JsonNode text = get(spec, textField);
    if (ms != null && text != null) {
      throw new InvalidRequestException(
          Rules.path(at, textField),
          "give either "
              + Rules.path(at, msField)
              + " or "
              + Rules.path(at, textField)
              + ", not both");
    }
    String field = Rules.path(at, ms != null ? msField : textField);
    JsonNode v = ms != null ? numeric(ms) : text;
    if (v == null) {
      return null;
    }
    long value;
    String given;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      value = v.longValue();
      given = String.valueOf(value);
    } else if (ms == null && v.isTextual()) {
      given = v.textValue();
      value = duration(field, given);
    } else if (ms != null) {
      throw wrongType(at, msField, "a whole number of milliseconds", ms);
    } else {
      throw new InvalidRequestException(
          field, field + " must be " + Durations.ALLOWED_FORMS + ", got " + describe(v));
    }
    return positive
        ? Rules.positiveMillis(field, value, given)
        : Rules.delayMillis(field, value, given);
  }

  /** Duration text in milliseconds; a leading minus is read, so the range check can name it. */
  private static long duration(String field, String text) {
    String s = text.strip();
    boolean negative = s.startsWith("-") && !s.startsWith("-P") && !s.startsWith("-p");
    Duration d;
    try {
      d = Durations.parse(negative ? s.substring(1) : s);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(field, field + " " + e.getMessage());
    }
    try {
      return negative ? -d.toMillis() : d.toMillis();
    } catch (ArithmeticException e) {
      // Beyond what a long holds is beyond ten years as well.
      return Long.MAX_VALUE;
    }
  }

  private List<String> ids(String at, JsonNode spec, String field) {
    JsonNode v = get(spec, field);
    if (v == null) {
      return null;
    }
    if (lenient && v.isTextual()) {
      return List.of(v.textValue());
    }
    if (!v.isArray()) {
      throw wrongType(at, field, "an array of task ids", v);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw wrongType(at, field + "[" + i + "]", "a task id (a string)", e);
      }
      out.add(e.textValue());
    }
    return out;
  }

  private static InvalidRequestException wrongType(
      String at, String field, String expected, JsonNode got) {
    String path = Rules.path(at, field);
    return new InvalidRequestException(
        path, path + " must be " + expected + ", got " + describe(got));
  }

  /** The node's kind and, when short, its JSON: {@code a string "high"}. */
  private static String describe(JsonNode v) {
    String text = Json.write(v);
    return kind(v) + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> "null";
    };
  }

  private static List<String> without(List<String> all, String... left) {
    List<String> out = new ArrayList<>(all);
    out.removeAll(List.of(left));
    return out;
  }
}
