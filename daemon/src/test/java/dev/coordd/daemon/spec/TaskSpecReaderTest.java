package dev.coordd.daemon.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.internal.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskSpecReaderTest {
  static NewTask inbox(String json) {
    return TaskSpecReader.INBOX.read("", Json.read(json));
  }

  static void refused(TaskSpecReader reader, String at, String json, String field, String message) {
    assertThatThrownBy(() -> reader.read(at, Json.read(json)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void a_full_spec_is_read_field_by_field() {
    NewTask t =
        inbox(
            """
            {"type": "review", "description": "d", "data": {"pr": 1}, "assignedTo": "alice",
             "priority": 5, "delay": "1m", "maxAttempts": 2, "timeout": "30s",
             "idempotencyKey": "k", "createdBy": "me", "dependsOn": [" a ", "b", "a"]}
            """);
    assertThat(t)
        .isEqualTo(
            new NewTask(
                "review",
                "d",
                Json.read("{\"pr\": 1}"),
                "alice",
                5,
                60_000L,
                2,
                30_000L,
                "k",
                "me",
                List.of("a", "b")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\": \"t\", \"delay\": \"1m30s\"}   | 90000",
        "{\"type\": \"t\", \"delay\": \"PT5S\"}    | 5000",
        "{\"type\": \"t\", \"delay\": \"250\"}     | 250",
        "{\"type\": \"t\", \"delay\": 1500}        | 1500",
        "{\"type\": \"t\", \"delayMs\": 1500}      | 1500",
        "{\"type\": \"t\", \"delay\": \"0s\"}      | 0",
      })
  void a_time_is_a_duration_or_whole_milliseconds(String json, long millis) {
    assertThat(inbox(json).delayMs()).isEqualTo(millis);
  }

  @Test
  void a_time_given_twice_or_in_the_wrong_form_is_refused_naming_the_field() {
    refused(
        TaskSpecReader.INBOX,
        "",
        "{\"type\": \"t\", \"delay\": \"5s\", \"delayMs\": 5000}",
        "delay",
        "give either delayMs or delay, not both");
    refused(
        TaskSpecReader.INBOX,
        "",
        "{\"type\": \"t\", \"timeoutMs\": \"5s\"}",
        "timeoutMs",
        "timeoutMs must be a whole number of milliseconds, got a string \"5s\"");
    refused(
        TaskSpecReader.SCHEDULE,
        "schedules.n.task",
        "{\"type\": \"t\", \"timeout\": \"soon\"}",
        "schedules.n.task.timeout",
        "schedules.n.task.timeout invalid duration \"soon\"");
    refused(
        TaskSpecReader.INBOX,
        "",
        "{\"type\": \"t\", \"delay\": \"-PT5S\"}",
        "delay",
        "delay must not be negative nor more than ten years (315360000000 ms), got -PT5S");
  }

  @Test
  void unknown_fields_and_fields_a_door_sets_itself_are_refused_listing_what_is_allowed() {
    refused(
        TaskSpecReader.INBOX,
        "",
        "{\"type\": \"t\", \"asignee\": \"a\", \"prio\": 1}",
        "asignee",
        "asignee, prio are not known fields; allowed: type, description, data, assignedTo");
    refused(
        TaskSpecReader.EVENT_RULE,
        "eventRules[0].task",
        "{\"type\": \"t\", \"assignedTo\": \"a\"}",
        "eventRules[0].task.assignedTo",
        "eventRules[0].task.assignedTo is not a known field; allowed: type, description, data,"
            + " priority");
  }

  @Test
  void numbers_as_text_and_data_as_json_text_are_taken_only_where_the_door_is_lenient() {
    String json = "{\"type\": \"t\", \"priority\": \"5\", \"data\": \"{\\\"pr\\\": 1}\"}";
    NewTask t = TaskSpecReader.MCP.read("", Json.read(json));
    assertThat(t.priority()).isEqualTo(5);
    assertThat(t.data().get("pr").asInt()).isEqualTo(1);
    assertThat(TaskSpecReader.MCP.read("", Json.read("{\"type\": \"t\", \"dependsOn\": \"x\"}")))
        .extracting(NewTask::dependsOn)
        .isEqualTo(List.of("x"));
    refused(
        TaskSpecReader.INBOX,
        "",
        "{\"type\": \"t\", \"priority\": \"5\"}",
        "priority",
        "priority must be a whole number, got a string \"5\"");
  }

  @Test
  void a_spec_that_is_not_an_object_is_refused_with_an_example() {
    refused(
        TaskSpecReader.SCHEDULE,
        "schedules.n.task",
        "\"review\"",
        "schedules.n.task",
        "schedules.n.task must be a JSON object with the task's fields, e.g. {\"type\":"
            + " \"review\"}, got a string");
  }
}
