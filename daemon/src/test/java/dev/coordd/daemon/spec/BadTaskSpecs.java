package dev.coordd.daemon.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.NewTask;
import dev.coordd.internal.Json;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One table of bad task specs, each written the way a JSON door takes it and the way the API takes
 * it, with the field each names and the rule each breaks. The MCP test in the cli keeps a short
 * copy of the rows its tool takes.
 */
final class BadTaskSpecs {
  /**
   * @param json the bad field as a JSON door takes it, merged into a valid spec
   * @param jsonField the field a JSON door names
   * @param api the same mistake on a valid {@link NewTask}
   * @param apiField the field the API names (times are {@code delayMs}, {@code timeoutMs} there)
   * @param rule what follows the field in every door's message
   */
  record Row(
      String name,
      ObjectNode json,
      String jsonField,
      UnaryOperator<NewTask> api,
      String apiField,
      String rule) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String LONG_TEXT = "x".repeat(Rules.MAX_TEXT + 1);

  static final List<Row> ROWS =
      List.of(
          new Row(
              "priority -1",
              json("{\"priority\": -1}"),
              "priority",
              t -> t.withPriority(-1),
              "priority",
              "must be between 0 and 1000000, got -1"),
          new Row(
              "maxAttempts 0",
              json("{\"maxAttempts\": 0}"),
              "maxAttempts",
              t -> t.withMaxAttempts(0),
              "maxAttempts",
              "must be between 1 and 100, got 0"),
          new Row(
              "type with a space",
              json("{\"type\": \"bad type\"}"),
              "type",
              t -> retype(t, "bad type"),
              "type",
              "'bad type' is not a valid name: " + Rules.NAME_RULE),
          new Row(
              "negative delay",
              json("{\"delay\": \"-5s\"}"),
              "delay",
              t -> t.withDelayMs(-5_000),
              "delayMs",
              "must not be negative nor more than ten years"),
          new Row(
              "zero timeout",
              json("{\"timeout\": \"0s\"}"),
              "timeout",
              t -> t.withTimeoutMs(0),
              "timeoutMs",
              "must be positive and at most ten years"),
          new Row(
              "description too long",
              json("{\"description\": \"" + LONG_TEXT + "\"}"),
              "description",
              t -> t.withDescription(LONG_TEXT),
              "description",
              "is 10001 characters; the limit is 10000"),
          new Row(
              "data not an object",
              json("{\"data\": [1]}"),
              "data",
              t -> t.withData(Json.read("[1]")),
              "data",
              "must be a JSON object"),
          new Row(
              "assignedTo not a name",
              json("{\"assignedTo\": \"../etc\"}"),
              "assignedTo",
              t -> t.withAssignedTo("../etc"),
              "assignedTo",
              "'../etc' is not a valid name: " + Rules.NAME_RULE));

  private BadTaskSpecs() {}

  /** A valid spec, with {@code row}'s bad field on top. */
  static ObjectNode spec(ObjectNode valid, Row row) {
    return valid.deepCopy().setAll(row.json());
  }

  private static ObjectNode json(String text) {
    return (ObjectNode) Json.read(text);
  }

  private static NewTask retype(NewTask t, String type) {
    return new NewTask(
        type,
        t.description(),
        t.data(),
        t.assignedTo(),
        t.priority(),
        t.delayMs(),
        t.maxAttempts(),
        t.timeoutMs(),
        t.idempotencyKey(),
        t.createdBy(),
        t.dependsOn());
  }
}
