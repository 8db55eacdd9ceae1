package dev.coordd.cli.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.Durations;
import dev.coordd.internal.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The arguments of one tool call, checked by hand so that every mistake is a tool error naming the
 * argument ("priority must be a whole number, got string \"high\"") rather than a protocol error.
 *
 * <p>Lenient where agents are sloppy in harmless ways: numbers given as numeric strings, a single
 * string where a list is expected, an object given as JSON text. Strict where a mistake would
 * change the meaning: unknown argument names (a misspelt {@code assigned_to} must not create an
 * unassigned task), required arguments, ranges, statuses.
 */
final class Args {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final String DURATION = "a duration like 30s or 10m (or a number of seconds)";

  private final String tool;
  private final ObjectNode values;
  private final McpSession session;

  private Args(String tool, ObjectNode values, McpSession session) {
    this.tool = tool;
    this.values = values;
    this.session = session;
  }

  /** Wraps the raw arguments of a call, refusing any name not in {@code allowed}. */
  static Args of(String tool, Map<String, Object> arguments, Set<String> allowed) {
    return of(tool, arguments, allowed, McpSession.anonymous());
  }

  /**
   * As {@link #of(String, Map, Set)}, with what the session fills in: {@code agent} (omitted or the
   * role name: the session instance) and {@code token} (omitted: the token of this session's claim
   * of that task).
   */
  static Args of(
      String tool, Map<String, Object> arguments, Set<String> allowed, McpSession session) {
    ObjectNode node =
        arguments == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(arguments);
    Set<String> unknown = new TreeSet<>();
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                unknown.add(name);
              }
            });
    if (!unknown.isEmpty()) {
      String name = unknown.iterator().next();
      throw new InvalidRequestException(
          name,
          "unknown argument"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " for "
              + tool
              + "; allowed: "
              + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))));
    }
    if (allowed.contains("agent")) {
      JsonNode named = node.get("agent");
      String agent = session.agent(named != null && named.isTextual() ? named.asText() : null);
      if (agent != null) {
        node.put("agent", agent);
      }
    }
    JsonNode token = node.get("token");
    if (allowed.contains("token") && (token == null || token.isNull())) {
      JsonNode id = node.get("id");
      String remembered = session.token(id != null && id.isTextual() ? id.asText() : null);
      if (remembered != null) {
        node.put("token", remembered);
      }
    }
    return new Args(tool, node, session);
  }

  McpSession session() {
    return session;
  }

  private JsonNode get(String name) {
    JsonNode v = values.get(name);
    return v == null || v.isNull() ? null : v;
  }

  String requiredString(String name) {
    String s = string(name);
    if (s == null) {
      throw new InvalidRequestException(
          name,
          name
              + " is required for "
              + tool
              + (name.equals("agent")
                  ? " (or start coordd mcp with --agent ROLE, and this session's agent is used)"
                  : ""));
    }
    return s;
  }

  /** A non-blank string, or null when absent. */
  /** The argument if it is a string, else null; never throws (for bookkeeping after a call). */
  String plainString(String name) {
    JsonNode v = get(name);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  String string(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(name, "a string", v);
    }
    String s = v.asText();
    if (s.isBlank()) {
      throw new InvalidRequestException(name, name + " must not be empty");
    }
    return s;
  }

  /** A boolean; false when absent. "true"/"false" as text are accepted too. */
  boolean bool(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw wrongType(name, "true or false", v);
  }

  /** An integer within {@code [min, max]}, or null when absent. */
  Integer integer(String name, int min, int max) {
    BigDecimal n = number(name, "a whole number");
    if (n == null) {
      return null;
    }
    if (n.stripTrailingZeros().scale() > 0) {
      throw new InvalidRequestException(name, name + " must be a whole number, got " + n);
    }
    if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new InvalidRequestException(
          name, name + " must be between " + min + " and " + max + ", got " + n.toPlainString());
    }
    return n.intValueExact();
  }

  /**
   * A duration within {@code [0, maxSeconds]}, as milliseconds, or null when absent: the same text
   * as the CLI ({@code "30s"}, {@code "10m"}), or a plain number of seconds (fractions allowed), as
   * the tools took before they took durations.
   */
  Long duration(String name, int maxSeconds) {
    JsonNode v = get(name);
    if (v == null) {
      return null;
    }
    Duration d;
    if (v.isNumber() || (v.isTextual() && NUMBER.matcher(v.asText().trim()).matches())) {
      d = Duration.ofMillis(new BigDecimal(v.asText().trim()).movePointRight(3).longValue());
    } else if (v.isTextual()) {
      try {
        d = Durations.parse(v.asText());
      } catch (IllegalArgumentException e) {
        throw wrongType(name, DURATION, v);
      }
    } else {
      throw wrongType(name, DURATION, v);
    }
    if (d.isNegative() || d.compareTo(Duration.ofSeconds(maxSeconds)) > 0) {
      throw new InvalidRequestException(
          name,
          name
              + " must be between 0 and "
              + Durations.format(Duration.ofSeconds(maxSeconds))
              + ", got "
              + describe(v));
    }
    return d.toMillis();
  }

  private BigDecimal number(String name, String what) {
    JsonNode v = get(name);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the type error
      }
    }
    throw wrongType(name, what, v);
  }

  /** A JSON object; JSON text holding an object is accepted too. Null when absent. */
  ObjectNode object(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return null;
    }
    if (v.isTextual()) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(v.asText());
        if (parsed != null && parsed.isObject()) {
          return (ObjectNode) parsed;
        }
      } catch (JsonProcessingException e) {
        // fall through to the type error
      }
    }
    if (!v.isObject()) {
      throw wrongType(name, "a JSON object", v);
    }
    return (ObjectNode) v;
  }

  /** The arguments named in {@code names}, as given, for a reader that checks them itself. */
  ObjectNode only(List<String> names) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    names.forEach(
        n -> {
          if (values.has(n)) {
            out.set(n, values.get(n));
          }
        });
    return out;
  }

  /** Any JSON value as given; null when absent. */
  JsonNode json(String name) {
    return get(name);
  }

  /** A list of non-blank strings; a single string counts as a list of one. Empty when absent. */
  List<String> strings(String name) {
    JsonNode v = get(name);
    if (v == null) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(string(name));
    }
    if (!v.isArray()) {
      throw wrongType(name, "an array of strings", v);
    }
    List<String> out = new ArrayList<>();
    Iterator<JsonNode> it = v.elements();
    for (int i = 0; it.hasNext(); i++) {
      JsonNode e = it.next();
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new InvalidRequestException(
            name, name + "[" + i + "] must be a non-empty string, got " + describe(e));
      }
      out.add(e.asText());
    }
    return out;
  }

  TaskStatus status(String name) {
    String s = string(name);
    if (s == null) {
      return null;
    }
    try {
      return TaskStatus.parse(s);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(
          name, "unknown " + name + " '" + s + "'; allowed: " + TaskStatus.allowed());
    }
  }

  private InvalidRequestException wrongType(String name, String expected, JsonNode got) {
    return new InvalidRequestException(
        name, name + " must be " + expected + ", got " + describe(got));
  }

  private static String describe(JsonNode v) {
    String type =
        switch (v.getNodeType()) {
          case STRING -> "string";
          case NUMBER -> "number";
          case BOOLEAN -> "boolean";
          case ARRAY -> "array";
          case OBJECT -> "object";
          default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    String text = Json.write(v);
    return type + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
  }
}
