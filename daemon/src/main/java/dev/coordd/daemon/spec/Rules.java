package dev.coordd.daemon.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule set for names and limits. Every door (socket, CLI, MCP, inbox files, schedules,
 * event rules, the configuration) checks through here, so they can never disagree on what a valid
 * task type or agent name is. Each failure is an {@link InvalidRequestException} naming the field
 * (as a path, e.g. {@code schedules.nightly.task.priority}), the value and what is allowed; the
 * text after the path is the same whichever door the value came through. Stateless.
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

  /**
   * Longest schedule name: shorter than other names because each slot's task carries it in {@code
   * createdBy schedule:<name>}, which must stay within {@link #MAX_CREATED_BY}.
   */
  public static final int MAX_SCHEDULE_NAME = 64;

  /** Longest delay or timeout a task may ask for; beyond it, times would overflow. */
  public static final long MAX_MILLIS = Duration.ofDays(3650).toMillis();

  private Rules() {}

  /** {@code name} under {@code at}: {@code priority}, or {@code schedules.n.task.priority}. */
  public static String path(String at, String name) {
    return at == null || at.isEmpty() ? name : at + "." + name;
  }

  /**
   * Whether {@code value} matches {@link #NAME}; checked by hand rather than by the pattern, since
   * every request checks a name or two and a matcher costs an allocation and a walk of its states.
   */
  public static boolean isName(String value) {
    if (value == null || value.isEmpty() || value.length() > 128) {
      return false;
    }
    if (!isLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '@' && c != ':' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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

  /** An optional name: null stays null, anything else (even blank) must be a valid name. */
  public static String optionalName(String field, String value) {
    if (value != null && !isName(value)) {
      throw new InvalidRequestException(
          field, field + " '" + value + "' is not a valid name: " + NAME_RULE);
    }
    return value;
  }

  /** A schedule name: a {@link #NAME} of at most {@link #MAX_SCHEDULE_NAME} characters. */
  public static String scheduleName(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(field, field + " is required");
    }
    if (!isName(value) || value.length() > MAX_SCHEDULE_NAME) {
      throw new InvalidRequestException(
          field,
          field
              + " '"
              + value
              + "' is not a valid schedule name: use 1-"
              + MAX_SCHEDULE_NAME
              + " letters, digits and . _ @ : - (starting with a letter or digit)");
    }
    return value;
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

  /** {@code value} within {@code [min, max]}; a long, so a huge number reads as out of range. */
  public static int range(String field, long value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidRequestException(
          field, field + " must be between " + min + " and " + max + ", got " + value);
    }
    return (int) value;
  }

  /** A positive number of milliseconds up to ten years, or null. */
  public static Long positiveMillis(String field, Long value) {
    return positiveMillis(field, value, String.valueOf(value));
  }

  /**
   * @param given the value as the caller wrote it ({@code -5s}), for the message
   */
  public static Long positiveMillis(String field, Long value, String given) {
    if (value != null && (value <= 0 || value > MAX_MILLIS)) {
      throw new InvalidRequestException(
          field,
          field + " must be positive and at most ten years (" + MAX_MILLIS + " ms), got " + given);
    }
    return value;
  }

  /** A delay: zero up to ten years of milliseconds, or null. */
  public static Long delayMillis(String field, Long value) {
    return delayMillis(field, value, String.valueOf(value));
  }

  /**
   * @param given the value as the caller wrote it ({@code -5s}), for the message
   */
  public static Long delayMillis(String field, Long value, String given) {
    if (value != null && (value < 0 || value > MAX_MILLIS)) {
      throw new InvalidRequestException(
          field,
          field
              + " must not be negative nor more than ten years ("
              + MAX_MILLIS
              + " ms), got "
              + given);
    }
    return value;
  }

  public static long notNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidRequestException(field, field + " must be zero or positive, got " + value);
    }
    return value;
  }

  /** Task data: null, JSON null, or a JSON object. */
  public static JsonNode data(String field, JsonNode value) {
    if (value != null && !value.isNull() && !value.isObject()) {
      throw new InvalidRequestException(
          field,
          field
              + " must be a JSON object, got "
              + value.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    return value;
  }

  /** Ids of the tasks a task depends on: at most {@link #MAX_DEPENDENCIES}, trimmed, distinct. */
  public static List<String> dependencies(String field, List<String> ids) {
    if (ids == null) {
      return null;
    }
    if (ids.size() > MAX_DEPENDENCIES) {
      throw new InvalidRequestException(
          field,
          field
              + ": a task may depend on at most "
              + MAX_DEPENDENCIES
              + " tasks, got "
              + ids.size());
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      if (id == null || id.isBlank()) {
        String at = field + "[" + i + "]";
        throw new InvalidRequestException(at, at + " must be a task id, got an empty value");
      }
      out.add(id.trim());
    }
    return new ArrayList<>(out);
  }

  /**
   * Every check on a task that needs no daemon state (names, ranges, lengths); what needs the
   * daemon (payload size, whether someone runs the type, whether dependencies exist) is left to
   * {@code createTask}. Fields are named under {@code at} in the API's spelling ({@code delayMs}).
   *
   * @return the task with its dependencies trimmed and made distinct
   */
  public static NewTask task(String at, NewTask t) {
    if (t == null) {
      throw new InvalidRequestException(
          at, (at == null || at.isEmpty() ? "a task" : at) + " is required");
    }
    name(path(at, "type"), t.type());
    text(path(at, "description"), t.description(), MAX_TEXT);
    data(path(at, "data"), t.data());
    optionalName(path(at, "assignedTo"), t.assignedTo());
    if (t.priority() != null) {
      range(path(at, "priority"), t.priority(), MIN_PRIORITY, MAX_PRIORITY);
    }
    delayMillis(path(at, "delayMs"), t.delayMs());
    if (t.maxAttempts() != null) {
      range(path(at, "maxAttempts"), t.maxAttempts(), 1, MAX_ATTEMPTS);
    }
    positiveMillis(path(at, "timeoutMs"), t.timeoutMs());
    text(path(at, "idempotencyKey"), t.idempotencyKey(), MAX_IDEMPOTENCY_KEY);
    text(path(at, "createdBy"), t.createdBy(), MAX_CREATED_BY);
    return t.withDependsOn(dependencies(path(at, "dependsOn"), t.dependsOn()));
  }
}
