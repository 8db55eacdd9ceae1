package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire table over a real daemon's service: arguments bound by name or position, the refusals
 * worded as callers have always read them, and results written as the methods return them.
 */
class MethodTableTest {
  @TempDir Path dir;
  DaemonFixture fixture;
  MethodTable methods;

  @BeforeEach
  void start() {
    fixture = new DaemonFixture(dir);
    methods = new MethodTable(fixture.service());
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  static JsonNode json(String text) {
    return Json.read(text);
  }

  @Test
  void a_result_is_the_methods_own_value_and_writes_as_its_tree_would() {
    Object created =
        methods.call(
            "createTask",
            json(
                "{\"task\":{\"type\":\"build\",\"assignedTo\":\"alice\",\"description\":\"d\","
                    + "\"data\":{\"n\":1,\"s\":\"é\\u2028\"}}}"));
    assertThat(created).isInstanceOf(Task.class);
    Task task = (Task) created;
    assertThat(task.data()).isEqualTo(json("{\"n\":1,\"s\":\"é\\u2028\"}"));
    assertThat(Json.write(created)).isEqualTo(Json.write(Json.MAPPER.valueToTree(created)));

    JsonNode tree = methods.invoke("getTask", json("[\"" + task.id() + "\"]"));
    assertThat(tree.get("id").asText()).isEqualTo(task.id());
    assertThat(tree.get("assignedTo").asText()).isEqualTo("alice");
  }

  @Test
  void a_void_method_answers_json_null() {
    assertThat(methods.call("arrive", json("{\"barrier\":\"b\",\"agent\":\"a\"}")))
        .isEqualTo(NullNode.getInstance());
  }

  @Test
  void long_waits_are_flagged_and_names_listed() {
    assertThat(methods.isLongWait("claimTasks")).isTrue();
    assertThat(methods.isLongWait("awaitTask")).isTrue();
    assertThat(methods.isLongWait("createTask")).isFalse();
    assertThat(methods.isLongWait("nope")).isFalse();
    assertThat(java.util.List.copyOf(methods.names()))
        .contains("createTask", "claimTasks", "stats")
        .isSorted();
  }

  @Test
  void refusals_name_the_parameter_the_method_and_what_was_wrong() {
    refused(
        "claimTasks",
        "{\"agent\":\"a\",\"max\":\"x\",\"waitMs\":1}",
        "max",
        "parameter 'max' of claimTasks is not a valid int: Cannot deserialize value of type"
            + " `int` from String \"x\": not a valid `int` value");
    refused(
        "createTask",
        "{\"task\":{\"type\":\"x\",\"priority\":\"abc\"}}",
        "task",
        "parameter 'task' of createTask is not a valid NewTask: Cannot deserialize value of type"
            + " `java.lang.Integer` from String \"abc\": not a valid `java.lang.Integer` value");
    refused(
        "acquireLock",
        "{\"resource\":\"r\",\"agent\":\"a\",\"ttlMs\":1,\"shared\":\"yes\",\"waitMs\":1}",
        "shared",
        "parameter 'shared' of acquireLock is not a valid boolean: Cannot deserialize value of"
            + " type `boolean` from String \"yes\": only \"true\"/\"True\"/\"TRUE\" or"
            + " \"false\"/\"False\"/\"FALSE\" recognized");
    refused(
        "claimTasks",
        "{\"agent\":\"a\",\"max\":1,\"waitMs\":1,\"bogus\":1}",
        "bogus",
        "unknown parameter 'bogus' of claimTasks; it takes [agent, types, max, waitMs, leaseMs]");
    refused(
        "claimTasks", "{\"agent\":\"a\"}", "max", "missing parameter 'max' of claimTasks (int)");
    refused("stats", "\"x\"", "params", "params must be an object or an array");
  }

  private void refused(String method, String params, String field, String message) {
    assertThatThrownBy(() -> methods.call(method, json(params)))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessage(message);
  }
}
