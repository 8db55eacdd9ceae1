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

  /**
   * The JSON object the text ends with, one line or pretty-printed over several, after whatever
   * came before it (log lines, stack traces); null when the text does not end with one. The object
   * must start a line (after indentation), as a CLI printing it as its last word does.
   */
  static JsonNode objectAtEnd(String text) {
    String s = text.stripTrailing();
    if (!s.endsWith("}")) {
      return null;
    }
    // From the last candidate start backwards: the first that parses to the end is the outermost
    // object ending the text (a nested object starting a line cannot run to its end alone).
    for (int i = s.lastIndexOf('{'); i >= 0; i = i == 0 ? -1 : s.lastIndexOf('{', i - 1)) {
      if (startsLine(s, i)) {
        JsonNode value = whole(s.substring(i));
        if (value != null && value.isObject()) {
          return value;
        }
      }
    }
    return null;
  }

  /** Whether only spaces and tabs stand between the line's start and {@code i}. */
  private static boolean startsLine(String s, int i) {
    for (int j = i - 1; j >= 0; j--) {
      char c = s.charAt(j);
      if (c == '\n' || c == '\r') {
        return true;
      }
      if (c != ' ' && c != '\t' && c != '…') {
        return false;
      }
    }
    return true;
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
