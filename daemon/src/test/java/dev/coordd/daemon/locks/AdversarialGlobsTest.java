package dev.coordd.daemon.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.coordd.api.InvalidRequestException;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Patterns built to make a backtracking matcher run for minutes, against the longest names a lock
 * may have: each is answered, or refused by the limits, well inside a generous bound. The bound is
 * not a speed target (benchmarks measure that); the old matcher took minutes on the first of them.
 */
class AdversarialGlobsTest {
  static final Duration BOUND = Duration.ofSeconds(2);
  static final String LONG_A = "a".repeat(Locks.MAX_RESOURCE);
  static final String LONG_PATH = "a/".repeat(Locks.MAX_RESOURCE / 2 - 1) + "ab";

  @Test
  void nested_double_stars_are_answered_against_a_long_name() {
    String glob = "**a**a**a**a**a**b";
    Globs.check(glob); // six wildcards: within the limits, so it must be matched, not refused
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          assertThat(Globs.overlap(glob, LONG_A)).isFalse();
          assertThat(Globs.overlap(LONG_A, glob)).isFalse();
          assertThat(Globs.overlap(glob, LONG_A.substring(1) + "b")).isTrue();
          assertThat(Globs.overlap(glob, LONG_PATH)).isTrue();
        });
  }

  @Test
  void patterns_at_the_limits_are_answered_against_every_long_name() {
    List<String> globs =
        List.of(
            "*?".repeat(Globs.MAX_WILDCARDS / 2) + "b",
            "**a".repeat(Globs.MAX_WILDCARDS) + "b",
            "*a".repeat(Globs.MAX_WILDCARDS) + "b",
            "**/a".repeat(Globs.MAX_WILDCARDS) + "/b",
            "**" + "a".repeat(Locks.MAX_RESOURCE - 3) + "b",
            "[a]".repeat(Globs.MAX_WILDCARDS - 1) + "**b",
            alternatives(Globs.MAX_ALTERNATIVES, "a") + "**b",
            alternatives(Globs.MAX_ALTERNATIVES / 2, "a*")
                + alternatives(Globs.MAX_ALTERNATIVES / 2, "*a")
                + "b");
    for (String glob : globs) {
      Globs.check(glob);
      for (String name : List.of(LONG_A, LONG_PATH, "b".repeat(Locks.MAX_RESOURCE))) {
        assertTimeoutPreemptively(BOUND, () -> Globs.overlap(glob, name), glob);
      }
    }
  }

  @Test
  void too_many_wildcards_are_refused_saying_the_limit_and_the_count() {
    String glob = "*?".repeat(20);
    assertThatThrownBy(() -> Globs.check(glob))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(
            "a lock pattern may have at most 32 wildcards (* ** ? [..]); got 40")
        .hasMessageContaining("src/**")
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("resource"));
    assertThatThrownBy(() -> Globs.check("*?".repeat(Locks.MAX_RESOURCE / 2)))
        .hasMessageContaining("got 500");
    assertThatThrownBy(() -> Globs.check("[ab]".repeat(33)))
        .hasMessageContaining("at most 32 wildcards");
  }

  @Test
  void too_many_alternatives_are_refused_saying_the_limit_and_the_count() {
    assertThatThrownBy(() -> Globs.check(alternatives(40, "x")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(
            "a lock pattern may have at most 32 alternatives in its {..} groups;")
        .hasMessageContaining("got 40");
    assertThatThrownBy(() -> Globs.check(alternatives(20, "x") + alternatives(20, "y")))
        .hasMessageContaining("got 40");
  }

  @Test
  void malformed_globs_are_refused_saying_what_is_wrong() {
    assertThatThrownBy(() -> Globs.check("src/[abc"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("resource 'src/[abc' is not a valid glob: unclosed '[' at position 4");
    assertThatThrownBy(() -> Globs.check("{a,{b}}"))
        .hasMessageContaining("nested '{' at position 3");
    assertThatThrownBy(() -> Globs.check("src/{a,b")).hasMessageContaining("unclosed '{'");
    assertThatThrownBy(() -> Globs.check("[z-a].txt"))
        .hasMessageContaining("the range z-a in the class at position 0 runs backwards");
  }

  /** {@code {p1,p2,…}} with {@code count} alternatives, each {@code piece} and a number. */
  static String alternatives(int count, String piece) {
    StringJoiner group = new StringJoiner(",", "{", "}");
    for (int i = 0; i < count; i++) {
      group.add(piece + i);
    }
    return group.toString();
  }
}
