package dev.coordd.daemon.schedules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard five-field cron expression: minute, hour, day-of-month, month, day-of-week. Each
 * field is {@code *}, a number, a name ({@code JAN}-{@code DEC}, {@code SUN}-{@code SAT}, any
 * case), a range {@code a-b}, a step <code>*&#47;n</code>, {@code a-b/n} or {@code a/n} (from a
 * to the end of the field), or a comma-separated list of those. Day-of-week 0 and 7 are both
 * Sunday. The macros {@code @hourly}, {@code @daily}, {@code @midnight}, {@code @weekly}, {@code
 * @monthly}, {@code @yearly} and {@code @annually} stand for their usual fields.
 *
 * <p>Day rule (Vixie cron's): when both day fields are restricted, a day matches if EITHER
 * matches ({@code 0 0 13 * FRI} is every 13th and every Friday). A day field whose text starts
 * with {@code *} (<code>*&#47;2</code> included) counts as unrestricted, exactly as in Vixie
 * cron, and then both fields must match.
 *
 * <p>Time zones and daylight saving, judged on the wall clock of the zone given to {@link #next}:
 *
 * <ul>
 *   <li>A wall-clock time skipped by a spring-forward gap fires at the shifted instant, once: a
 *       daily {@code 30 2 * * *} in America/New_York fires at 03:30 EDT on the day the clocks
 *       jump from 02:00 to 03:00, so a daily job never loses a day. When the shifted instant
 *       coincides with a time that exists, it fires once.
 *   <li>A wall-clock time repeated by a fall-back overlap fires once, at its first occurrence,
 *       so {@code 30 1 * * *} does not run twice. The exception, as in Vixie cron: an expression
 *       whose hour field is a wildcard (<code>*</code>, <code>*&#47;n</code>) keeps its real-time
 *       rhythm and fires in both passes of the repeated hour, so "every 15 minutes" never pauses
 *       for an hour.
 * </ul>
 *
 * <p>Why not a library (cron-utils, Quartz, Spring's {@code CronExpression}): this is about 150
 * lines of logic whose exact semantics (the day rule, the DST policy above, the error messages)
 * are pinned by our tests rather than by another project's defaults, and it brings no transitive
 * dependencies into the daemon. Immutable and thread-safe.
 */
public final class CronExpression {
  /** How far {@link #next} searches before it gives up (covers a Feb 29 on a given weekday). */
  static final int SEARCH_YEARS = 30;

  private static final String[] FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");
  private static final String MACRO_LIST =
      "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually";

  private final String text;
  private final long minutes; // bit n set: minute n matches
  private final long hours;
  private final long doms;
  private final long months;
  private final long dows; // bits 0-6, Sunday = 0
  private final boolean domStar;
  private final boolean dowStar;
  private final boolean hourStar;

  private CronExpression(String text, String[] f) {
    this.text = text;
    long[] bits = new long[5];
    for (int i = 0; i < 5; i++) {
      bits[i] = field(i, f[i]);
    }
    this.minutes = bits[0];
    this.hours = bits[1];
    this.doms = bits[2];
    this.months = bits[3];
    this.dows = (bits[4] | (bits[4] >>> 7)) & 0x7F; // 7 is Sunday too
    this.hourStar = f[1].startsWith("*");
    this.domStar = f[2].startsWith("*");
    this.dowStar = f[4].startsWith("*");
    checkPossible(f);
  }

  /**
   * Parses an expression or a macro.
   *
   * @throws IllegalArgumentException naming the field, the value and what it allows, e.g. {@code
   *     minute field '61': allowed 0-59}; or saying the expression can never match (Feb 30)
   */
  public static CronExpression parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException(
          "cron expression is empty: use 5 fields (minute hour"
              + " day-of-month month day-of-week) or one of "
              + MACRO_LIST);
    }
    String text = expression.strip();
    String fields = text;
    if (text.startsWith("@")) {
      fields = MACROS.get(text.toLowerCase(Locale.ROOT));
      if (fields == null) {
        throw new IllegalArgumentException(
            "unknown cron macro '" + text + "': use one of " + MACRO_LIST);
      }
    }
    String[] f = fields.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "cron expression '"
              + text
              + "' has "
              + f.length
              + " field"
              + (f.length == 1 ? "" : "s")
              + "; expected 5: minute hour day-of-month"
              + " month day-of-week (or a macro such as @daily)");
    }
    return new CronExpression(text, f);
  }

  /** The expression as written. */
  public String expression() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * The first matching minute strictly after {@code after}, judged on the wall clock of {@code
   * zone} (see the class comment for daylight-saving gaps and overlaps).
   *
   * @throws IllegalArgumentException when nothing matches within {@value #SEARCH_YEARS} years
   */
  public Instant next(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    // Near a transition, wall-clock order and instant order differ by up to the jump: start that
    // much earlier, and after the first hit keep looking that much further for an earlier instant.
    long spread = spread(rules, after);
    LocalDateTime t =
        LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).minusSeconds(spread);
    LocalDateTime limit = t.plusYears(SEARCH_YEARS);
    Instant best = null;
    LocalDateTime stopAfter = null;
    while (stopAfter == null ? t.isBefore(limit) : !t.isAfter(stopAfter)) {
      if (!bit(months, t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!bit(hours, t.getHour())) {
        long later = hours >>> t.getHour();
        t =
            later == 0
                ? t.toLocalDate().plusDays(1).atStartOfDay()
                : t.truncatedTo(ChronoUnit.HOURS).plusHours(Long.numberOfTrailingZeros(later));
      } else if (!bit(minutes, t.getMinute())) {
        long later = minutes >>> t.getMinute();
        t =
            later == 0
                ? t.truncatedTo(ChronoUnit.HOURS).plusHours(1)
                : t.plusMinutes(Long.numberOfTrailingZeros(later));
      } else {
        for (Instant i : instants(t, rules)) {
          if (i.isAfter(after) && (best == null || i.isBefore(best))) {
            best = i;
          }
        }
        if (best != null && stopAfter == null) {
          stopAfter = LocalDateTime.ofInstant(best, zone).plusSeconds(spread(rules, best));
        }
        t = t.plusMinutes(1);
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(
          "cron expression '"
              + text
              + "' matches no time in the "
              + SEARCH_YEARS
              + " years after "
              + after
              + " in "
              + zone);
    }
    return best;
  }

  boolean dayMatches(LocalDate d) {
    boolean dom = bit(doms, d.getDayOfMonth());
    boolean dow = bit(dows, d.getDayOfWeek().getValue() % 7);
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  /** The instants a matching wall-clock minute stands for (see the class comment). */
  private List<Instant> instants(LocalDateTime local, ZoneRules rules) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.size() == 1) {
      return List.of(local.toInstant(offsets.get(0)));
    }
    ZoneOffsetTransition transition = rules.getTransition(local);
    Instant first = local.toInstant(transition.getOffsetBefore()); // gap: the shifted instant
    if (offsets.isEmpty() || !hourStar) {
      return List.of(first);
    }
    return List.of(first, local.toInstant(transition.getOffsetAfter()));
  }

  /** The largest offset jump within two days of {@code around}, in seconds; 0 far from any. */
  private static long spread(ZoneRules rules, Instant around) {
    if (rules.isFixedOffset()) {
      return 0;
    }
    Instant to = around.plus(2, ChronoUnit.DAYS);
    long spread = 0;
    ZoneOffsetTransition tr = rules.nextTransition(around.minus(2, ChronoUnit.DAYS));
    while (tr != null && !tr.getInstant().isAfter(to)) {
      spread = Math.max(spread, Math.abs(tr.getDuration().getSeconds()));
      tr = rules.nextTransition(tr.getInstant());
    }
    return spread;
  }

  /** Refuses day-of-month and month fields that never meet, such as {@code 30 2} (Feb 30). */
  private void checkPossible(String[] f) {
    if (!domStar && !dowStar) {
      return; // either day field suffices, and every month has every weekday
    }
    for (int m = 1; m <= 12; m++) {
      int longest = Month.of(m).maxLength();
      if (bit(months, m) && (doms & ((1L << (longest + 1)) - 1)) != 0) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "cron expression '"
            + text
            + "' never matches:"
            + " day-of-month field '"
            + f[2]
            + "' names no day that month field '"
            + f[3]
            + "' has");
  }

  private static boolean bit(long set, int n) {
    return (set >>> n & 1) != 0;
  }

  private static long field(int f, String text) {
    long bits = 0;
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw error(f, text, "empty element in the list");
      }
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        String s = part.substring(slash + 1);
        if (!s.matches("\\d{1,3}") || Integer.parseInt(s) == 0) {
          throw error(f, part, "step must be a whole number from 1 to " + (MAX[f] - MIN[f] + 1));
        }
        step = Integer.parseInt(s);
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = MIN[f];
        hi = f == 4 ? 6 : MAX[f];
      } else {
        int dash = range.indexOf('-');
        if (dash >= 0) {
          lo = value(f, range.substring(0, dash), part);
          hi = value(f, range.substring(dash + 1), part);
          if (lo > hi) {
            throw error(f, part, "the range starts after it ends; allowed " + allowed(f));
          }
        } else {
          lo = value(f, range, part);
          hi = slash >= 0 ? MAX[f] : lo;
        }
      }
      for (int v = lo; v <= hi; v += step) {
        bits |= 1L << v;
      }
    }
    return bits;
  }

  private static int value(int f, String token, String part) {
    if (token.isEmpty()) {
      throw error(f, part, "allowed " + allowed(f));
    }
    if (token.matches("\\d{1,9}")) {
      int v = Integer.parseInt(token);
      if (v < MIN[f] || v > MAX[f]) {
        throw error(f, token, "allowed " + allowed(f));
      }
      return v;
    }
    String upper = token.toUpperCase(Locale.ROOT);
    if (f == 3 && MONTHS.contains(upper)) {
      return MONTHS.indexOf(upper) + 1;
    }
    if (f == 4 && DAYS.contains(upper)) {
      return DAYS.indexOf(upper);
    }
    throw error(f, token, "allowed " + allowed(f));
  }

  private static String allowed(int f) {
    return switch (f) {
      case 3 -> "1-12 or JAN-DEC";
      case 4 -> "0-7 or SUN-SAT (0 and 7 are Sunday)";
      default -> MIN[f] + "-" + MAX[f];
    };
  }

  private static IllegalArgumentException error(int f, String value, String why) {
    return new IllegalArgumentException(FIELDS[f] + " field '" + value + "': " + why);
  }

  /** For tests and messages: the parsed fields as sorted value lists. */
  List<List<Integer>> values() {
    List<List<Integer>> out = new ArrayList<>();
    for (long set : new long[] {minutes, hours, doms, months, dows}) {
      List<Integer> vs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        if (bit(set, i)) {
          vs.add(i);
        }
      }
      out.add(vs);
    }
    return out;
  }
}
