package dev.coordd.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.NewTask;
import dev.coordd.internal.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventRulesTest {

  @Test
  void a_full_rule_becomes_a_task_template() {
    List<EventRule> rules =
        EventRules.parseRules(
            Json.read(
                """
        [{"topic": "build.failed", "assignTo": "*subscribers",
          "task": {"type": "triage", "description": "look at it", "data": {"repo": "x"},
                   "priority": 5, "maxAttempts": 2, "timeout": "2m"}},
         {"topic": "deploy.>", "task": {"type": "notify"}, "assignTo": ["alice", "bob", "alice"]},
         {"topic": "x", "task": {"type": "y", "timeout": 1500}}]
        """));
    assertThat(rules).hasSize(3);
    EventRule first = rules.get(0);
    assertThat(first.pattern()).isEqualTo("build.failed");
    assertThat(first.assignTo()).containsExactly("*subscribers");
    NewTask t = first.task();
    assertThat(t.type()).isEqualTo("triage");
    assertThat(t.description()).isEqualTo("look at it");
    assertThat(t.data().get("repo").asText()).isEqualTo("x");
    assertThat(t.priority()).isEqualTo(5);
    assertThat(t.maxAttempts()).isEqualTo(2);
    assertThat(t.timeoutMs()).isEqualTo(120_000L);
    assertThat(rules.get(1).assignTo()).containsExactly("alice", "bob");
    assertThat(rules.get(2).assignTo()).isEmpty();
    assertThat(rules.get(2).task().timeoutMs()).isEqualTo(1500L);
  }

  @Test
  void nothing_is_no_rules() {
    assertThat(EventRules.parseRules(null)).isEmpty();
    assertThat(EventRules.parseRules(Json.read("null"))).isEmpty();
    assertThat(EventRules.parseRules(Json.read("[]"))).isEmpty();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"rules\": 1} | eventRules must be an array",
        "[1] | eventRules[0] must be an object",
        "[{\"task\": {\"type\": \"t\"}}] | eventRules[0].topic is required",
        "[{\"topic\": 5, \"task\": {\"type\": \"t\"}}] | eventRules[0].topic must be a topic pattern",
        "[{\"topic\": \"a..b\", \"task\": {\"type\": \"t\"}}] | eventRules[0].topic 'a..b' is not a valid topic pattern",
        "[{\"topic\": \"a.>.b\", \"task\": {\"type\": \"t\"}}] | > may only be the last segment",
        "[{\"topic\": \"a\"}] | eventRules[0].task is required",
        "[{\"topic\": \"a\", \"task\": \"t\"}] | eventRules[0].task must be a JSON object",
        "[{\"topic\": \"a\", \"task\": {}}] | eventRules[0].task.type is required",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"no spaces\"}}] | eventRules[0].task.type 'no spaces' is not a valid name",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"data\": [1]}}] | eventRules[0].task.data must be a JSON object",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"priority\": -1}}] | eventRules[0].task.priority must be between 0 and 1000000, got -1",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"maxAttempts\": 1.5}}] | eventRules[0].task.maxAttempts must be a whole number, got a number 1.5",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"timeout\": \"soon\"}}] | eventRules[0].task.timeout invalid duration",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"timeout\": 0}}] | eventRules[0].task.timeout must be positive",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\", \"assignedTo\": \"x\"}}] | eventRules[0].task.assignedTo is not a known field; allowed: type, description",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}, \"assign\": 1}] | eventRules[0].assign is not a known key; allowed: topic, task, assignTo",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}, \"assignTo\": \"bob\"}] | eventRules[0].assignTo must be \"*subscribers\"",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}, \"assignTo\": 3}] | eventRules[0].assignTo must be \"*subscribers\"",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}, \"assignTo\": [\"ok\", \"not ok\"]}] | eventRules[0].assignTo[1] 'not ok' is not a valid name: use 1-128",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}, \"assignTo\": [\"bob\", \"*subscribers\"]}] | eventRules[0].assignTo[1]: \"*subscribers\" stands alone",
        "[{\"topic\": \"a\", \"task\": {\"type\": \"t\"}}, {\"topic\": \"b c\", \"task\": {\"type\": \"t\"}}] | eventRules[1].topic",
      })
  void the_first_problem_is_named_by_its_path(String json, String message) {
    assertThatThrownBy(() -> EventRules.parseRules(Json.read(json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
