package dev.coordd.daemon.service;

import dev.coordd.api.InvalidRequestException;
import java.util.regex.Pattern;

/** Request checks shared by the operations; each failure names the field and what is allowed. */
final class Checks {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");
  static final int MAX_TEXT = 10_000;

  private Checks() {}

  static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (!NAME.matcher(value).matches()) {
      throw new InvalidRequestException(field, field + " '" + value + "' is not a valid name:"
          + " use 1-128 letters, digits and . _ @ : - (starting with a letter or digit)");
    }
    return value;
  }

  static String optionalName(String field, String value) {
    return value == null ? null : name(field, value);
  }

  static String id(String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException("id", "a task id is required");
    }
    return value.trim();
  }

  static String text(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidRequestException(field, field + " is " + value.length()
          + " characters; the limit is " + max);
    }
    return value;
  }

  static int range(String field, Integer value, int fallback, int min, int max) {
    int v = value == null ? fallback : value;
    if (v < min || v > max) {
      throw new InvalidRequestException(field, field + " must be between " + min + " and " + max
          + ", got " + v);
    }
    return v;
  }

  /** Longest delay or timeout a task may ask for; beyond it, times would overflow. */
  static final long MAX_MILLIS = java.time.Duration.ofDays(3650).toMillis();

  static Long positive(String field, Long value) {
    if (value != null && (value <= 0 || value > MAX_MILLIS)) {
      throw new InvalidRequestException(field, field + " must be positive and at most "
          + MAX_MILLIS + " (ten years), got " + value);
    }
    return value;
  }
}
