package dev.coordd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void parses_each_unit() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void parses_combined_units_largest_first() {
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1d2h3m4s5ms"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5));
    assertThat(Durations.parse("1s500ms")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void bare_integer_is_milliseconds() {
    assertThat(Durations.parse("1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parses_iso_8601_in_any_case() {
    assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("P1DT1H")).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void ignores_surrounding_whitespace_and_unit_case() {
    assertThat(Durations.parse(" 5s ")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {"", " ", "5x", "s", "1.5s", "-5s", "5 s", "1m30", "30s1m", "5s5s", "PT", "P5X"})
  void rejects_anything_else_naming_the_allowed_forms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("250ms")
        .hasMessageContaining("1m30s")
        .hasMessageContaining("PT5S")
        .hasMessageContaining("milliseconds");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "3651d",
        "99999999999999d",
        "9999999999999999d",
        "99999999999999999999",
        "99999999999999999999ms",
        "106751991167300d",
        "PT99999999999999999999S",
        "P9999999999999999D",
        "-P3651D"
      })
  void refuses_more_than_ten_years_saying_the_limit(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "duration \""
                + text
                + "\" is longer than ten years (3650d), the most a duration may be; use a"
                + " shorter one");
  }

  @Test
  void takes_ten_years_exactly() {
    assertThat(Durations.parse("3650d")).isEqualTo(Durations.MAX);
    assertThat(Durations.parse("P3650D").toMillis()).isEqualTo(Durations.MAX.toMillis());
  }

  @Test
  void error_quotes_the_bad_text() {
    assertThatThrownBy(() -> Durations.parse("5x"))
        .hasMessageStartingWith("invalid duration \"5x\"");
  }

  @Test
  void format_gives_the_compact_form() {
    assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("1d1h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void format_falls_back_to_iso_when_compact_cannot_say_it() {
    assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("PT-5S");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "1ms", "250ms", "5s", "1m30s", "1h", "1d2h3m4s5ms", "400d"})
  void format_and_parse_round_trip(String text) {
    Duration d = Durations.parse(text);
    assertThat(Durations.format(d)).isEqualTo(text);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Test
  void odd_durations_round_trip_through_iso() {
    for (Duration d : new Duration[] {Duration.ofNanos(1), Duration.ofSeconds(-90)}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }
}
