package dev.coordd.daemon.invoke.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.coordd.internal.Json;
import java.util.List;

/**
 * Finding JSON in an agent CLI's stdout, which may mix it with log lines and notices: the whole
 * text as one value, one line as one value, or the last line.
 */
final class StdoutJson {
  private static final ObjectReader STRICT_JSON =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StdoutJson() {}

  /** The whole text as exactly one JSON value, or null. */
  static JsonNode whole(String text) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** A line as one JSON value, or null; cheap for lines that plainly are not JSON. */
  static JsonNode line(String line) {
    String s = line.strip();
    if (s.isEmpty()) {
      return null;
    }
    char c = s.charAt(0);
    if (c != '{' && c != '[' && c != '"') {
      // Numbers, true, false and null are JSON too, but only "json" output could want them.
      if (!(c == '-'
          || Character.isDigit(c)
          || s.equals("true")
          || s.equals("false")
          || s.equals("null"))) {
        return null;
      }
    }
    return whole(s);
  }

  /** The whole text as one value, else its last non-blank line as one, else null. */
  static JsonNode wholeOrLastLine(String text) {
    JsonNode value = whole(text);
    if (value != null) {
      return value;
    }
    List<String> lines = lines(text);
    return lines.isEmpty() ? null : line(lines.get(lines.size() - 1));
  }

  /** The non-blank lines. */
  static List<String> lines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }

  /** Null (not JSON null) when absent or not a number, so ObjectNode.set writes a JSON null. */
  static JsonNode numberOrNull(JsonNode v) {
    return v != null && v.isNumber() ? v : null;
  }

  static String textOrNull(JsonNode v) {
    return v != null && v.isTextual() ? v.textValue() : null;
  }
}
