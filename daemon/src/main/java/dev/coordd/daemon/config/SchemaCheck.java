package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one source's settings against {@link ConfigSchema} and turns the validator's findings into
 * problems a user can act on: the key as a path, the value as written, and the schema's {@code
 * x-hint} for what is allowed. Each bad value is then removed from the source's tree, so the rest
 * can still be merged, bound and checked, and every problem is reported in one go.
 */
final class SchemaCheck {
  private static final Set<String> ENTERS_A_VALUE =
      Set.of("items", "additionalProperties", "prefixItems");

  private final SettingSource source;
  private final List<Found> found = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();
  private final Map<String, Integer> order = new HashMap<>();
  private final List<List<Object>> bad = new ArrayList<>();

  /** A problem and where its value sits in the source, so problems follow the source's order. */
  private record Found(int position, String problem) {}

  private SchemaCheck(SettingSource source) {
    this.source = source;
    number("", source.tree());
  }

  /** Numbers every value in reading order: a JSON pointer → its position. */
  private void number(String pointer, JsonNode node) {
    order.put(pointer, order.size());
    if (node.isObject()) {
      node.properties().forEach(e -> number(pointer + "/" + escape(e.getKey()), e.getValue()));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        number(pointer + "/" + i, node.get(i));
      }
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private int position(List<Object> path) {
    List<Object> p = new ArrayList<>(path);
    while (!order.containsKey(Problems.pointer(p))) {
      p.remove(p.size() - 1);
    }
    return order.get(Problems.pointer(p));
  }

  /** The problems in one source, in the order its keys appear; bad values leave its tree. */
  static List<String> check(SettingSource source) {
    ConfigSchema.dropNullsInEntries(source.tree(), ConfigSchema.ROOT);
    var check = new SchemaCheck(source);
    ConfigSchema.validate(source.tree()).forEach(check::add);
    check.bad.forEach(check::prune);
    return check.found.stream()
        .sorted(Comparator.comparingInt(Found::position))
        .map(Found::problem)
        .toList();
  }

  private void add(ValidationMessage m) {
    List<Object> at = segments(m.getInstanceLocation());
    List<String> eval = new ArrayList<>();
    JsonNodePath e = m.getEvaluationPath();
    for (int i = 0; i < e.getNameCount(); i++) {
      eval.add(String.valueOf(e.getElement(i)));
    }
    String keyword = eval.isEmpty() ? m.getType() : eval.remove(eval.size() - 1);
    String where = source.where();
    switch (keyword) {
      case "additionalProperties" -> {
        // An unknown key; a map's entries (additionalProperties: a schema) are checked below.
        if (ConfigSchema.at(eval).path("additionalProperties").isBoolean()) {
          String key = m.getProperty();
          List<Object> full = append(at, key);
          report(
              full,
              where
                  + ": unknown key \""
                  + Problems.path(full)
                  + "\""
                  + NearMiss.hint(key, ConfigSchema.keys(ConfigSchema.at(eval))));
          return;
        }
      }
      case "required" -> {
        String key = m.getProperty();
        JsonNode schema = ConfigSchema.resolve(ConfigSchema.at(eval).path("properties").path(key));
        report(
            at,
            where
                + ": "
                + Problems.path(append(at, key))
                + " is missing: it must be "
                + schema.path(ConfigSchema.HINT).asText());
        return;
      }
      case "propertyNames" -> {
        // A map key such as a task type: the name itself is the bad value.
        String name = m.getProperty();
        JsonNode schema = ConfigSchema.resolve(ConfigSchema.at(eval).path("propertyNames"));
        report(
            append(at, name),
            Problems.invalid(
                where,
                Problems.path(at),
                TextNode.valueOf(name),
                "must be " + schema.path(ConfigSchema.HINT).asText()));
        return;
      }
      default -> {}
    }
    invalid(at, eval, keyword, m);
  }

  /** A value the schema refused: climb to the nearest schema with a hint for the user. */
  private void invalid(List<Object> at, List<String> eval, String keyword, ValidationMessage m) {
    List<Object> path = new ArrayList<>(at);
    JsonNode schema = ConfigSchema.at(eval);
    while (!schema.has(ConfigSchema.HINT) && !eval.isEmpty()) {
      String last = eval.remove(eval.size() - 1);
      if (ENTERS_A_VALUE.contains(last) && !path.isEmpty()) {
        path.remove(path.size() - 1);
      } else if (!eval.isEmpty() && eval.get(eval.size() - 1).equals("properties")) {
        eval.remove(eval.size() - 1);
        path.remove(path.size() - 1);
      }
      schema = ConfigSchema.at(eval);
    }
    String pointer = Problems.pointer(path);
    JsonNode value = source.shown(pointer);
    String allowed =
        schema == ConfigSchema.DURATION
            ? DurationHint.problem(source.tree().at(pointer))
            : schema.path(ConfigSchema.HINT).asText(m.getMessage());
    if (allowed == null) {
      allowed = schema.path(ConfigSchema.HINT).asText();
    }
    if (keyword.equals("type") && !source.isText(pointer) && !wholeNumberExpected(schema, value)) {
      allowed += ", not " + Problems.typeName(value);
    }
    report(
        path, Problems.invalid(source.where(), Problems.path(path), value, "must be " + allowed));
  }

  /** 2.5 for a whole number is the right type of thing, just not whole: no "not a number". */
  private static boolean wholeNumberExpected(JsonNode schema, JsonNode value) {
    return value.isNumber() && schema.path("type").toString().contains("integer");
  }

  private void report(List<Object> path, String problem) {
    if (reported.add(Problems.pointer(path))) {
      found.add(new Found(position(path), problem));
      bad.add(path);
    }
  }

  /**
   * Removes a bad value so binding never sees it: within a map such as {@code commands} the whole
   * entry goes (a handler without its command cannot be bound), elsewhere the value itself, or the
   * array that holds it.
   */
  private void prune(List<Object> path) {
    List<Object> p = new ArrayList<>(entry(path));
    while (!p.isEmpty()) {
      Object last = p.remove(p.size() - 1);
      JsonNode parent = source.tree().at(Problems.pointer(p));
      if (parent instanceof ObjectNode object) {
        object.remove(last.toString());
        return;
      }
    }
  }

  /** The path cut after the first map entry it passes through, if any. */
  private static List<Object> entry(List<Object> path) {
    JsonNode schema = ConfigSchema.ROOT;
    for (int i = 0; i < path.size(); i++) {
      schema = ConfigSchema.resolve(schema);
      JsonNode fixed = schema.path("properties").get(path.get(i).toString());
      if (fixed != null) {
        schema = fixed;
      } else if (schema.path("additionalProperties").isObject()) {
        // Within a map entry, a bad required value takes the entry with it; others go alone.
        JsonNode entrySchema = ConfigSchema.resolve(schema.get("additionalProperties"));
        boolean required =
            path.size() > i + 1
                && entrySchema.path("required").toString().contains("\"" + path.get(i + 1) + "\"");
        return required || path.size() == i + 1 ? path.subList(0, i + 1) : path;
      } else {
        return path;
      }
    }
    return path;
  }

  private static List<Object> segments(JsonNodePath path) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < path.getNameCount(); i++) {
      out.add(path.getElement(i));
    }
    return out;
  }

  private static List<Object> append(List<Object> path, Object key) {
    List<Object> out = new ArrayList<>(path);
    out.add(key);
    return out;
  }
}
