package dev.coordd.daemon;

import static dev.coordd.daemon.ClaimTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {
  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  @BeforeEach
  void start() {
    f = new DaemonFixture(dir, settings("maxPayloadBytes", "4096"));
    svc = f.service();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private void rejected(ThrowingCallable call, String field, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field));
    assertThat(svc.listTasks(null)).as("nothing half-written").isEmpty();
  }

  @Test
  void an_unknown_type_nobody_can_run_is_refused_with_a_way_out() {
    rejected(
        () -> svc.createTask(NewTask.of("mystery")),
        "type",
        "no handler for task type 'mystery' and no agent lists it as a capability");
  }

  @Test
  void an_unknown_type_is_accepted_when_assigned_or_when_an_agent_lists_it() {
    svc.createTask(NewTask.of("mystery").withAssignedTo("alice"));
    svc.registerAgent(new AgentRegistration("bob", "worker", List.of("riddle"), null));
    svc.createTask(NewTask.of("riddle"));
    assertThat(svc.listTasks(null)).hasSize(2);
  }

  @Test
  void data_that_breaks_the_handler_schema_is_refused_naming_the_field() {
    rejected(
        () ->
            svc.createTask(
                NewTask.of("file_operation")
                    .withData(Json.read("{\"operation\":\"read\",\"path\":7}"))),
        "data.path",
        "data.path");
    rejected(
        () ->
            svc.createTask(
                NewTask.of("file_operation")
                    .withData(Json.read("{\"operation\":\"explode\",\"path\":\"a\"}"))),
        "data.operation",
        "data.operation");
  }

  @Test
  void data_that_is_not_an_object_is_refused() {
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withData(Json.read("[1,2]"))),
        "data",
        "data must be a JSON object, got array");
  }

  @Test
  void an_oversized_payload_is_refused_with_the_limit() {
    String big = "{\"blob\":\"" + "x".repeat(5000) + "\"}";
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withData(Json.read(big))),
        "data",
        "the limit is 4096 (maxPayloadBytes)");
  }

  @Test
  void a_negative_priority_or_silly_attempts_are_refused() {
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withPriority(-1)),
        "priority",
        "priority must be between 0 and");
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withMaxAttempts(0)),
        "maxAttempts",
        "maxAttempts must be between 1 and 100");
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withTimeoutMs(0)),
        "timeoutMs",
        "must be positive");
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("a").withDelayMs(-5)),
        "delayMs",
        "must not be negative");
  }

  @Test
  void a_bad_type_or_agent_name_is_refused() {
    rejected(() -> svc.createTask(NewTask.of("has space")), "type", "not a valid name");
    rejected(
        () -> svc.createTask(NewTask.of("x").withAssignedTo("../etc")),
        "assignedTo",
        "not a valid name");
  }

  @Test
  void an_unknown_status_is_refused_listing_the_allowed_ones() {
    assertThatThrownBy(() -> TaskStatus.parse("done"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "unknown status 'done'; allowed: queued, running, waiting,"
                + " succeeded, failed, cancelled");
    assertThatThrownBy(() -> svc.listTasks(new TaskQuery(null, null, null, 0)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void an_unknown_task_id_is_not_found() {
    assertThatThrownBy(() -> svc.getTask("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> svc.cancelTask("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> svc.heartbeat("ghost"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("register it first");
  }

  @Test
  void a_bad_barrier_timeout_is_refused_at_creation() {
    rejected(
        () ->
            svc.createTask(
                NewTask.of("coordination")
                    .withData(
                        Json.read(
                            "{\"action\":\"synchronize_agents\",\"agents\":[\"a\"],\"timeout\":\"soon\"}"))),
        "data.timeout",
        "data.timeout");
  }
}
