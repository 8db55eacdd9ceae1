package dev.coordd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.internal.Json;
import java.io.File;
import java.util.regex.Pattern;

/**
 * Reads a setting given as text (an environment variable, a {@code --set} value) as the JSON value
 * the schema expects, so text and config.json obey one schema: whole numbers, booleans, JSON for
 * objects and arrays, and a path list split on ':' (as in PATH) for an array given without
 * brackets. Text that is not what the schema wants stays text, for the schema to refuse with its
 * hint.
 */
final class TextValues {
  // Duplicate keys would otherwise silently keep the last one; trailing text would be ignored.
  static final ObjectReader STRICT =
      Json.MAPPER
          .reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TextValues() {}

  /**
   * @throws IllegalArgumentException saying what was expected, when JSON text does not parse
   */
  static JsonNode read(JsonNode schema, String text) {
    String type = ConfigSchema.resolve(schema).path("type").toString();
    String s = text.strip();
    if (type.contains("\"string\"") || type.isEmpty()) {
      return NODES.textNode(text); // a duration, a name, an enum word
    }
    if (type.contains("integer")) {
      return INTEGER.matcher(s).matches() ? NODES.numberNode(Long.parseLong(s)) : text(text);
    }
    if (type.contains("boolean")) {
      return s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")
          ? NODES.booleanNode(Boolean.parseBoolean(s))
          : text(text);
    }
    if (type.contains("array") && !s.startsWith("[")) {
      ArrayNode list = NODES.arrayNode();
      for (String part : text.split(Pattern.quote(File.pathSeparator))) {
        if (!part.isEmpty()) { // empty entries, e.g. a trailing ':', are skipped
          list.add(part);
        }
      }
      return list;
    }
    try {
      return STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      String what = type.contains("array") ? "a JSON array" : "a JSON object";
      throw new IllegalArgumentException(
          "must be " + what + "; not valid JSON" + at(e) + ": " + e.getOriginalMessage());
    }
  }

  static String at(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static JsonNode text(String text) {
    return NODES.textNode(text);
  }
}
