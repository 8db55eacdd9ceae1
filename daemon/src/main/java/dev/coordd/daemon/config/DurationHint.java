package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** What is wrong with a duration setting, in words a user can act on; null when nothing is. */
final class DurationHint {
  // Zero or sub-millisecond would mean busy loops or instant timeouts, never what is meant.
  private static final Duration MIN = Duration.ofMillis(1);

  private DurationHint() {}

  static String problem(JsonNode v) {
    Duration d;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      d = Duration.ofMillis(v.longValue());
    } else if (v.isTextual()) {
      try {
        d = Durations.parse(v.textValue());
      } catch (IllegalArgumentException e) {
        return Durations.ALLOWED_FORMS;
      }
    } else {
      return "a duration string like \"5s\" or a whole number of milliseconds";
    }
    return d.compareTo(MIN) < 0 ? "at least 1ms" : null;
  }

  /** The duration a valid value stands for. */
  static Duration parse(JsonNode v) {
    return v.isNumber() ? Duration.ofMillis(v.longValue()) : Durations.parse(v.textValue());
  }
}
