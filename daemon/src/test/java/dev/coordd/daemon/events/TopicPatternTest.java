package dev.coordd.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPatternTest {

  private static boolean matches(String pattern, String topic) {
    return TopicPattern.parse("pattern", pattern).matches(topic);
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "build.done, build.done, true",
    "build.done, build.done.x, false",
    "build.done, build, false",
    "build.done, BUILD.done, false",
    "build.*, build.done, true",
    "build.*, build.x.done, false",
    "build.*, build, false",
    "*.done, build.done, true",
    "*.done, done, false",
    "a.*.c, a.b.c, true",
    "a.*.c, a.b.x.c, false",
    "*, anything, true",
    "*, a.b, false",
    "repo.>, repo.a, true",
    "repo.>, repo.a.b.c, true",
    "repo.>, repo, false",
    "repo.>, repository.a, false",
    ">, a, true",
    ">, a.b.c, true",
    "*.>, a, false",
    "*.>, a.b, true",
    "a.*.>, a.b.c, true",
    "a.*.>, a.b, false",
    "agent.*, agent.bob, true",
    "agent.*, agent.bob@host:1, true",
    "agent.>, agent.a.b, true",
    "agent.bob, agent.bob, true",
    "agent.bob, agent.bobby, false",
  })
  void wildcards_match_whole_segments(String pattern, String topic, boolean expected) {
    assertThat(matches(pattern, topic)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "build",
        "build.done",
        "a-b_c.D9",
        "agent.bob",
        "agent.bob@host:1",
        "agent.team.lead"
      })
  void good_topics_pass(String topic) {
    assertThat(TopicPattern.checkTopic("topic", topic)).isEqualTo(topic);
  }

  @ParameterizedTest(name = "topic ''{0}'': {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "build done | a space",
        "a..b | empty segment",
        ".a | starts with a dot",
        "a. | ends with a dot",
        "a/b | '/'",
        "build.* | wildcards",
        "build.> | wildcards",
        "a.b$ | '$'",
      })
  void bad_topics_say_what_is_wrong_and_what_is_allowed(String topic, String problem) {
    assertThatThrownBy(() -> TopicPattern.checkTopic("topic", topic))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("topic '" + topic + "'")
        .hasMessageContaining(problem)
        .hasMessageContaining("dot-separated segments of letters, digits, _ and -")
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("topic"));
  }

  @Test
  void empty_null_and_overlong_topics_are_refused() {
    assertThatThrownBy(() -> TopicPattern.checkTopic("topic", ""))
        .hasMessageContaining("it is empty");
    assertThatThrownBy(() -> TopicPattern.checkTopic("topic", null))
        .hasMessageContaining("(missing)");
    String longest = "a".repeat(200);
    assertThat(TopicPattern.checkTopic("topic", longest)).isEqualTo(longest);
    assertThatThrownBy(() -> TopicPattern.checkTopic("topic", longest + "b"))
        .hasMessageContaining("201 characters");
  }

  @ParameterizedTest(name = "pattern ''{0}'': {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a.>.b | > may only be the last segment",
        "build* | a wildcard must be a whole segment",
        "a.b> | a wildcard must be a whole segment",
        "a..* | empty segment",
        "a b.* | a space",
        "x/*.y | '/'",
      })
  void bad_patterns_say_what_is_wrong(String pattern, String problem) {
    assertThatThrownBy(() -> TopicPattern.parse("pattern", pattern))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("pattern '" + pattern + "' is not a valid topic pattern")
        .hasMessageContaining(problem)
        .hasMessageContaining("* (exactly one segment)");
  }

  @Test
  void the_sql_filter_admits_at_least_every_match() {
    assertThat(TopicPattern.parse("p", "build.*").like()).isEqualTo("build.%");
    assertThat(TopicPattern.parse("p", "a_b.>").like()).isEqualTo("a\\_b.%");
    assertThat(TopicPattern.parse("p", ">").like()).isEqualTo("%");
    assertThat(TopicPattern.likeExactly("agent.x_y")).isEqualTo("agent.x\\_y");
    assertThat(TopicPattern.parse("p", "build.done").isLiteral()).isTrue();
    assertThat(TopicPattern.parse("p", "build.*").isLiteral()).isFalse();
  }
}
