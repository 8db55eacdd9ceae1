package dev.coordd.daemon.events;

import dev.coordd.api.InvalidRequestException;
import java.util.regex.Pattern;

/** Request checks of the events operations; each failure names the field and what is allowed. */
final class EventChecks {
  /** The same agent names the rest of the daemon accepts. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

  private EventChecks() {}

  static boolean isAgentName(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  static String agentName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (!isAgentName(value)) {
      throw new InvalidRequestException(field, field + " '" + value + "' is not a valid name:"
          + " use 1-128 letters, digits and . _ @ : - (starting with a letter or digit)");
    }
    return value;
  }

  static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidRequestException(field, field + " must be between " + min + " and " + max
          + ", got " + value);
    }
    return value;
  }

  static long notNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidRequestException(field, field + " must be zero or positive, got " + value);
    }
    return value;
  }
}
