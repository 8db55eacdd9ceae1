package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** How one configuration problem is written: where, which key, the bad value, what is allowed. */
final class Problems {
  private Problems() {}

  /** {@code config.json: commands.x.timeout = "0s": must be at least 1ms}. */
  static String invalid(String where, String path, JsonNode value, String allowed) {
    return where + ": " + path + " = " + render(value) + ": " + allowed;
  }

  /** {@code commands.x.command}, {@code fileRoots[1]}: the path as the user would write it. */
  static String path(List<Object> segments) {
    var out = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        out.append('[').append(i).append(']');
      } else {
        out.append(out.isEmpty() ? "" : ".").append(s);
      }
    }
    return out.toString();
  }

  /** The same path as a JSON pointer, for {@link JsonNode#at(String)}. */
  static String pointer(List<Object> segments) {
    var out = new StringBuilder();
    for (Object s : segments) {
      out.append('/').append(s.toString().replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  /** The value as JSON, cut short so one huge value does not bury the other problems. */
  static String render(JsonNode v) {
    String s = v.toString();
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  static String typeName(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY, MISSING -> "nothing";
    };
  }
}
