package dev.coordd.daemon.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {
  static final ZoneId UTC = ZoneOffset.UTC;
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  /** The first {@code n} slots after {@code after}. */
  static List<Instant> slots(String cron, String after, ZoneId zone, int n) {
    CronExpression c = CronExpression.parse(cron);
    List<Instant> out = new ArrayList<>();
    Instant t = at(after);
    for (int i = 0; i < n; i++) {
      t = c.next(t, zone);
      out.add(t);
    }
    return out;
  }

  static List<Instant> instants(String... iso) {
    return java.util.Arrays.stream(iso).map(Instant::parse).toList();
  }

  @Test
  void fields_take_numbers_lists_ranges_and_steps() {
    List<List<Integer>> v = CronExpression.parse("5,10-12 */6 1-10/3 2-12/5 1-5").values();
    assertThat(v.get(0)).containsExactly(5, 10, 11, 12);
    assertThat(v.get(1)).containsExactly(0, 6, 12, 18);
    assertThat(v.get(2)).containsExactly(1, 4, 7, 10);
    assertThat(v.get(3)).containsExactly(2, 7, 12);
    assertThat(v.get(4)).containsExactly(1, 2, 3, 4, 5);
    assertThat(CronExpression.parse("* * * * *").values().get(0)).hasSize(60);
    assertThat(CronExpression.parse("50/5 * * * *").values().get(0)).containsExactly(50, 55);
  }

  @Test
  void months_and_weekdays_take_names_in_any_case_and_0_and_7_are_sunday() {
    List<List<Integer>> v = CronExpression.parse("0 0 * jan,Mar-MAY sun,Wed-fri").values();
    assertThat(v.get(3)).containsExactly(1, 3, 4, 5);
    assertThat(v.get(4)).containsExactly(0, 3, 4, 5);
    assertThat(CronExpression.parse("0 0 * * 7").values().get(4)).containsExactly(0);
    assertThat(CronExpression.parse("0 0 * * 5-7").values().get(4)).containsExactly(0, 5, 6);
    // 2026-01-04 is a Sunday: 0 and 7 both hit it.
    assertThat(CronExpression.parse("0 12 * * 7").next(at("2026-01-01T00:00:00Z"), UTC))
        .isEqualTo(at("2026-01-04T12:00:00Z"));
    assertThat(CronExpression.parse("0 12 * * SUN").next(at("2026-01-01T00:00:00Z"), UTC))
        .isEqualTo(at("2026-01-04T12:00:00Z"));
  }

  @Test
  void next_is_the_first_matching_minute_strictly_after() {
    assertThat(slots("*/15 * * * *", "2026-01-01T10:07:00Z", UTC, 3))
        .isEqualTo(
            instants("2026-01-01T10:15:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:45:00Z"));
    CronExpression quarter = CronExpression.parse("*/15 * * * *");
    assertThat(quarter.next(at("2026-01-01T10:15:00Z"), UTC)).isEqualTo(at("2026-01-01T10:30:00Z"));
    assertThat(quarter.next(at("2026-01-01T10:14:59.999Z"), UTC))
        .isEqualTo(at("2026-01-01T10:15:00Z"));
    assertThat(quarter.next(at("2026-01-01T10:15:30Z"), UTC)).isEqualTo(at("2026-01-01T10:30:00Z"));
    // across month and year ends
    assertThat(slots("30 23 31 * *", "2026-01-31T23:30:00Z", UTC, 2))
        .isEqualTo(instants("2026-03-31T23:30:00Z", "2026-05-31T23:30:00Z"));
    assertThat(CronExpression.parse("0 0 1 1 *").next(at("2026-06-01T00:00:00Z"), UTC))
        .isEqualTo(at("2027-01-01T00:00:00Z"));
    // Feb 29 only in leap years
    assertThat(CronExpression.parse("0 0 29 2 *").next(at("2026-01-01T00:00:00Z"), UTC))
        .isEqualTo(at("2028-02-29T00:00:00Z"));
    // weekdays at 9 in a zone
    assertThat(slots("0 9 * * MON-FRI", "2026-01-02T15:00:00Z", BERLIN, 2)) // Fri after 9
        .isEqualTo(instants("2026-01-05T08:00:00Z", "2026-01-06T08:00:00Z"));
    assertThat(
            CronExpression.parse("0 9 * * *").next(at("2026-01-01T00:00:00Z"), ZoneId.of("+05:30")))
        .isEqualTo(at("2026-01-01T03:30:00Z"));
  }

  @Test
  void when_both_day_fields_are_restricted_either_one_matches() {
    // 2026-01-01 is a Thursday: Fridays are the 2nd, 9th, 16th; the 13th is a Tuesday.
    assertThat(slots("0 0 13 * FRI", "2026-01-01T00:00:00Z", UTC, 4))
        .isEqualTo(
            instants(
                "2026-01-02T00:00:00Z",
                "2026-01-09T00:00:00Z",
                "2026-01-13T00:00:00Z",
                "2026-01-16T00:00:00Z"));
    // One field a wildcard: only the other counts.
    assertThat(slots("0 0 13 * *", "2026-01-01T00:00:00Z", UTC, 1))
        .isEqualTo(instants("2026-01-13T00:00:00Z"));
    assertThat(slots("0 0 * * FRI", "2026-01-01T00:00:00Z", UTC, 1))
        .isEqualTo(instants("2026-01-02T00:00:00Z"));
    // Vixie: a field starting with * counts as unrestricted, so both must match: odd Fridays.
    assertThat(slots("0 0 */2 * FRI", "2026-01-01T00:00:00Z", UTC, 2))
        .isEqualTo(instants("2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource({
    "@hourly, 0 * * * *",
    "@daily, 0 0 * * *",
    "@midnight, 0 0 * * *",
    "@weekly, 0 0 * * 0",
    "@monthly, 0 0 1 * *",
    "@yearly, 0 0 1 1 *",
    "@annually, 0 0 1 1 *",
    "@DAILY, 0 0 * * *"
  })
  void macros_stand_for_their_fields(String macro, String fields) {
    assertThat(CronExpression.parse(macro).values())
        .isEqualTo(CronExpression.parse(fields).values());
    assertThat(CronExpression.parse(macro).toString()).isEqualTo(macro);
  }

  @Test
  void new_york_spring_forward_fires_a_skipped_time_once_at_the_shifted_instant() {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. 02:30 does not exist that day.
    assertThat(slots("30 2 * * *", "2026-03-07T12:00:00Z", NEW_YORK, 3))
        .isEqualTo(
            instants(
                "2026-03-08T07:30:00Z", // 03:30 EDT
                "2026-03-09T06:30:00Z",
                "2026-03-10T06:30:00Z"));
    // Hourly keeps its real-time rhythm: 01:00 EST, then 03:00 EDT one hour later.
    assertThat(slots("0 * * * *", "2026-03-08T05:30:00Z", NEW_YORK, 3))
        .isEqualTo(
            instants("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"));
    assertThat(slots("*/30 * * * *", "2026-03-08T06:00:00Z", NEW_YORK, 4))
        .isEqualTo(
            instants(
                "2026-03-08T06:30:00Z",
                "2026-03-08T07:00:00Z",
                "2026-03-08T07:30:00Z",
                "2026-03-08T08:00:00Z"));
    // Times in and after the gap that shift onto the same instant fire once.
    assertThat(slots("30 2,3 * * *", "2026-03-08T05:00:00Z", NEW_YORK, 2))
        .isEqualTo(instants("2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"));
  }

  @Test
  void new_york_fall_back_fires_a_repeated_time_once() {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    assertThat(slots("30 1 * * *", "2026-10-31T12:00:00Z", NEW_YORK, 2))
        .isEqualTo(instants("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
    // An hour-wildcard expression keeps its rhythm through both passes of the repeated hour.
    assertThat(slots("0 * * * *", "2026-11-01T03:30:00Z", NEW_YORK, 4))
        .isEqualTo(
            instants(
                "2026-11-01T04:00:00Z",
                "2026-11-01T05:00:00Z",
                "2026-11-01T06:00:00Z",
                "2026-11-01T07:00:00Z"));
    assertThat(slots("*/30 * * * *", "2026-11-01T05:00:00Z", NEW_YORK, 4))
        .isEqualTo(
            instants(
                "2026-11-01T05:30:00Z",
                "2026-11-01T06:00:00Z",
                "2026-11-01T06:30:00Z",
                "2026-11-01T07:00:00Z"));
  }

  @Test
  void berlin_spring_and_fall() {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 fires at 03:30 CEST = 01:30Z.
    assertThat(slots("30 2 * * *", "2026-03-28T12:00:00Z", BERLIN, 2))
        .isEqualTo(instants("2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"));
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 fires once, at its first pass.
    assertThat(slots("30 2 * * *", "2026-10-24T12:00:00Z", BERLIN, 2))
        .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    // Midnight is untouched by either change.
    assertThat(slots("@daily", "2026-10-24T12:00:00Z", BERLIN, 2))
        .isEqualTo(instants("2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "61 * * * *     | minute field '61': allowed 0-59",
        "1,61 * * * *   | minute field '61': allowed 0-59",
        "* 24 * * *     | hour field '24': allowed 0-23",
        "* * 0 * *      | day-of-month field '0': allowed 1-31",
        "* * 32 * *     | day-of-month field '32': allowed 1-31",
        "* * * 13 *     | month field '13': allowed 1-12 or JAN-DEC",
        "* * * FOO *    | month field 'FOO': allowed 1-12 or JAN-DEC",
        "* * * * 8      | day-of-week field '8': allowed 0-7 or SUN-SAT (0 and 7 are Sunday)",
        "* * * * JAN    | day-of-week field 'JAN': allowed 0-7",
        "*/0 * * * *    | minute field '*/0': step must be a whole number from 1 to 60",
        "*/x * * * *    | minute field '*/x': step must be",
        "5-1 * * * *    | minute field '5-1': the range starts after it ends",
        "-5 * * * *     | minute field '-5': allowed 0-59",
        "1,,2 * * * *   | minute field '1,,2': empty element",
        "* * * *        | has 4 fields; expected 5",
        "* * * * * *    | has 6 fields; expected 5",
        "@reboot        | unknown cron macro '@reboot'",
        "0 0 30 2 *     | never matches",
        "0 0 31 4,6,9,11 * | never matches"
      })
  void bad_expressions_are_refused_naming_the_field_the_value_and_what_is_allowed(
      String cron, String message) {
    assertThatThrownBy(() -> CronExpression.parse(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void empty_is_refused_and_impossible_looking_but_possible_dates_are_accepted() {
    assertThatThrownBy(() -> CronExpression.parse(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> CronExpression.parse(null)).hasMessageContaining("empty");
    // Feb 30 OR any Friday in February: the Fridays still match.
    assertThat(CronExpression.parse("0 0 30 2 FRI").next(at("2026-01-01T00:00:00Z"), UTC))
        .isEqualTo(at("2026-02-06T00:00:00Z"));
    // Feb 29 that is also a Sunday (both must match: */3 starts with *): 2032.
    assertThat(CronExpression.parse("0 0 29 2 */3").next(at("2026-01-01T00:00:00Z"), UTC))
        .isEqualTo(at("2032-02-29T00:00:00Z"));
  }

  /**
   * Against a brute-force reference (every local minute in a window, each mapped to its instants by
   * the documented DST rules): random expressions, random moments around the 2026 transitions of
   * New York and Berlin and anywhere in UTC.
   */
  @Test
  void next_agrees_with_a_brute_force_search_around_dst_transitions() {
    java.util.Random random = new java.util.Random(42);
    List<Instant> around =
        instants(
            "2026-03-08T07:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T01:00:00Z",
            "2026-06-15T12:00:00Z");
    int checked = 0;
    for (int i = 0; i < 250; i++) {
      String cron =
          field(random, 0, 59)
              + " "
              + field(random, 0, 23)
              + " "
              + (random.nextInt(4) == 0 ? field(random, 1, 31) : "*")
              + " * "
              + (random.nextInt(4) == 0 ? field(random, 0, 6) : "*");
      ZoneId zone = List.of(NEW_YORK, BERLIN, UTC).get(random.nextInt(3));
      Instant after =
          around
              .get(random.nextInt(around.size()))
              .plusSeconds(random.nextInt(6 * 3600) - 3 * 3600)
              .plusMillis(random.nextInt(1000));
      CronExpression c = CronExpression.parse(cron);
      Instant expected = reference(c, cron, after, zone);
      if (expected != null) {
        assertThat(c.next(after, zone))
            .as("%s after %s in %s", cron, after, zone)
            .isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(180);
  }

  private static String field(java.util.Random r, int min, int max) {
    int a = min + r.nextInt(max - min + 1);
    int b = a + r.nextInt(max - a + 1);
    return switch (r.nextInt(6)) {
      case 0 -> "*";
      case 1 -> "*/" + (1 + r.nextInt(Math.max(1, (max - min) / 2)));
      case 2 -> Integer.toString(a);
      case 3 -> a + "-" + b;
      case 4 -> a + "," + b;
      default -> a + "-" + b + "/" + (1 + r.nextInt(3));
    };
  }

  private static Instant reference(CronExpression c, String cron, Instant after, ZoneId zone) {
    List<List<Integer>> v = c.values();
    String[] f = cron.split(" ");
    boolean hourStar = f[1].startsWith("*");
    var rules = zone.getRules();
    java.time.LocalDateTime start =
        java.time.LocalDateTime.ofInstant(after, zone)
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
            .minusDays(1);
    Instant best = null;
    for (int m = 0; m < 4 * 24 * 60; m++) {
      java.time.LocalDateTime t = start.plusMinutes(m);
      if (!v.get(0).contains(t.getMinute())
          || !v.get(1).contains(t.getHour())
          || !v.get(3).contains(t.getMonthValue())
          || !c.dayMatches(t.toLocalDate())) {
        continue;
      }
      List<ZoneOffset> offsets = rules.getValidOffsets(t);
      List<Instant> fires = new ArrayList<>();
      if (offsets.size() == 1) {
        fires.add(t.toInstant(offsets.get(0)));
      } else {
        var transition = rules.getTransition(t);
        fires.add(t.toInstant(transition.getOffsetBefore()));
        if (offsets.size() == 2 && hourStar) {
          fires.add(t.toInstant(transition.getOffsetAfter()));
        }
      }
      for (Instant i : fires) {
        if (i.isAfter(after) && (best == null || i.isBefore(best))) {
          best = i;
        }
      }
    }
    return best;
  }
}
