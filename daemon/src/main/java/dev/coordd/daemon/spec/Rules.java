package dev.coordd.daemon.spec;

import dev.coordd.api.InvalidRequestException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The one rule set for names and limits. Every door (socket, CLI, MCP, inbox files, schedules,
 * event rules, the configuration) checks through here, so they can never disagree on what a valid
 * task type or agent name is. Each failure is an {@link InvalidRequestException} naming the field,
 * the value and what is allowed. Stateless.
 */
public final class Rules {
  /**
   * Names of agents, task types, schedules and subscribers: 1 to 128 letters, digits and {@code .
   * _ @ : -}, starting with a letter or digit. Linear to match (no nested quantifiers).
   */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

  public static final String NAME_RULE =
      "use 1-128 letters, digits and . _ @ : - (starting with a letter or digit)";

  /** Longest description of a task. */
  public static final int MAX_TEXT = 10_000;

  public static final int MAX_IDEMPOTENCY_KEY = 256;
  public static final int MAX_CREATED_BY = 128;
  public static final int MIN_PRIORITY = 0;
  public static final int MAX_PRIORITY = 1_000_000;
  public static final int MAX_ATTEMPTS = 100;
  public static final int MAX_DEPENDENCIES = 100;

  /** Longest delay or timeout a task may ask for; beyond it, times would overflow. */
  public static final long MAX_MILLIS = Duration.ofDays(3650).toMillis();

  private Rules() {}

  public static boolean isName(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  /** A required name. */
  public static String name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (!isName(value)) {
      throw new InvalidRequestException(
          field, field + " '" + value + "' is not a valid name: " + NAME_RULE);
    }
    return value;
  }

  public static String optionalName(String field, String value) {
    return value == null ? null : name(field, value);
  }

  /** A task id: required, surrounding blanks dropped. */
  public static String id(String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException("id", "a task id is required");
    }
    return value.trim();
  }

  public static String text(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidRequestException(
          field, field + " is " + value.length() + " characters; the limit is " + max);
    }
    return value;
  }

  /** {@code value}, or {@code fallback} when absent, within {@code [min, max]}. */
  public static int range(String field, Integer value, int fallback, int min, int max) {
    return range(field, value == null ? fallback : value, min, max);
  }

  public static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidRequestException(
          field, field + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** A positive number of milliseconds up to ten years, or null. */
  public static Long positiveMillis(String field, Long value) {
    if (value != null && (value <= 0 || value > MAX_MILLIS)) {
      throw new InvalidRequestException(
          field,
          field + " must be positive and at most " + MAX_MILLIS + " (ten years), got " + value);
    }
    return value;
  }

  public static long notNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidRequestException(field, field + " must be zero or positive, got " + value);
    }
    return value;
  }
}
