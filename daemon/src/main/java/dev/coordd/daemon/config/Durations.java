package dev.coordd.daemon.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files and on the command line: {@code 250ms}, {@code
 * 5s}, {@code 1m30s}, ISO-8601 {@code PT5S}, or a bare number of milliseconds.
 */
public final class Durations {
  /** What {@link #parse} accepts, for error messages that tell the user how to fix the value. */
  public static final String ALLOWED_FORMS =
      "a duration like 250ms, 5s, 2m, 1h, 1d or combined like 1m30s, an ISO-8601 duration like"
          + " PT5S, or a whole number of milliseconds";

  /**
   * The longest duration anything here takes, either way: ten years, as {@code Rules.MAX_MILLIS}.
   * Longer text is refused saying so, rather than overflowing where it becomes milliseconds.
   */
  public static final Duration MAX = Duration.ofDays(3650);

  private static final Pattern BARE_MILLIS = Pattern.compile("\\d+");
  // ms before m so "250ms" is not read as 250 minutes followed by junk.
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
  private static final String[] UNITS = {"d", "h", "m", "s", "ms"};

  private Durations() {}

  /**
   * Parses a duration. Compact parts must come largest unit first and at most once each ({@code
   * 1h30m}, not {@code 30m1h}), so a typo such as {@code 5s5s} is caught rather than summed.
   *
   * @throws IllegalArgumentException naming the allowed forms when the text is none of them, or the
   *     limit when it is longer than {@link #MAX}
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text);
    }
    String s = text.strip();
    Duration d;
    try {
      if (BARE_MILLIS.matcher(s).matches()) {
        d = Duration.ofMillis(Long.parseLong(s));
      } else if (s.startsWith("P")
          || s.startsWith("p")
          || s.startsWith("-P")
          || s.startsWith("-p")) {
        d = Duration.parse(s);
      } else {
        d = parseCompact(s.toLowerCase(Locale.ROOT), text);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // The text had the form of a duration (the patterns matched); only its size did not fit.
      throw tooLong(text);
    } catch (DateTimeParseException e) {
      // Duration.parse checked the form first: a number that does not fit is the only cause.
      boolean overflow =
          e.getCause() instanceof ArithmeticException
              || e.getCause() instanceof NumberFormatException;
      throw overflow ? tooLong(text) : invalid(text);
    }
    if (d.abs().compareTo(MAX) > 0) {
      throw tooLong(text);
    }
    return d;
  }

  private static Duration parseCompact(String s, String original) {
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int nextUnit = 0; // index into UNITS of the smallest unit still allowed
    int end = 0;
    while (end < s.length() && m.region(end, s.length()).lookingAt()) {
      int unit = indexOf(m.group(2));
      if (unit < nextUnit) {
        throw invalid(original);
      }
      nextUnit = unit + 1;
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
              });
      end = m.end();
    }
    if (end != s.length()) {
      throw invalid(original);
    }
    return total;
  }

  private static int indexOf(String unit) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        return i;
      }
    }
    throw new IllegalStateException(unit);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid duration "
            + (text == null ? "null" : "\"" + text + "\"")
            + ": use "
            + ALLOWED_FORMS);
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException(
        "duration \""
            + text
            + "\" is longer than ten years ("
            + format(MAX)
            + "), the most a duration may be; use a shorter one");
  }

  /**
   * The compact form {@link #parse} reads back to the same duration: {@code 5s}, {@code 1m30s},
   * {@code 250ms}, {@code 0s}; ISO-8601 for a negative duration or one finer than a millisecond.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    // Compact parts carry no sign and nothing finer than a millisecond; ISO-8601 does, and parse
    // reads it back, so those rare durations round-trip too.
    if (d.isNegative() || d.toNanosPart() % 1_000_000 != 0) {
      return d.toString();
    }
    var out = new StringBuilder();
    append(out, d.toDays(), "d");
    append(out, d.toHoursPart(), "h");
    append(out, d.toMinutesPart(), "m");
    append(out, d.toSecondsPart(), "s");
    append(out, d.toMillisPart(), "ms");
    return out.toString();
  }

  private static void append(StringBuilder out, long n, String unit) {
    if (n != 0) {
      out.append(n).append(unit);
    }
  }
}
