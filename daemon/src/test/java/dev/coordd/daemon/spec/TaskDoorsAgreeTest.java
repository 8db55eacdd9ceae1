package dev.coordd.daemon.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.TaskQuery;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.events.EventRules;
import dev.coordd.daemon.inbox.Inbox;
import dev.coordd.daemon.schedules.Scheduler;
import dev.coordd.daemon.spec.BadTaskSpecs.Row;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The doors that take a task agree: each bad spec of {@link BadTaskSpecs} is refused by {@code
 * createTask}, an inbox file, {@code scheduleAdd}, a schedule in the configuration and an event
 * rule, each naming the same field (under its own path) with the same rule. A real daemon on a temp
 * home; the MCP tool is checked with the same rows in the cli.
 */
class TaskDoorsAgreeTest {
  static final NewTask VALID = NewTask.of("review").withAssignedTo("alice");
  static final String VALID_JSON = "{\"type\": \"review\", \"assignedTo\": \"alice\"}";

  @TempDir Path dir;
  DaemonFixture fx;
  CoordinationService svc;
  Inbox inbox;

  @BeforeEach
  void start() {
    fx = new DaemonFixture(dir, Map.of("pollInterval", "1h"));
    svc = fx.service();
    // A folder of its own, so only this test's scan touches it.
    inbox = new Inbox(dir.resolve("drop"), svc);
  }

  @AfterEach
  void stop() {
    inbox.close();
    fx.close();
  }

  static List<Row> rows() {
    return BadTaskSpecs.ROWS;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void every_door_refuses_a_bad_task_naming_the_same_field_with_the_same_rule(Row row)
      throws IOException {
    refused(() -> svc.createTask(row.api().apply(VALID)), row.apiField(), row.rule());
    refused(
        () ->
            svc.addSchedule(
                new ScheduleSpec("n", "0 * * * *", null, null, row.api().apply(VALID), null)),
        "task." + row.apiField(),
        row.rule());

    assertThat(inboxError(BadTaskSpecs.spec(valid(), row)))
        .contains(row.jsonField() + " " + row.rule());

    ObjectNode schedules = Json.MAPPER.createObjectNode();
    schedules.putObject("n").put("cron", "0 * * * *").set("task", BadTaskSpecs.spec(valid(), row));
    assertThatThrownBy(() -> Scheduler.parseConfig(schedules))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schedules.n.task." + row.jsonField() + " " + row.rule());

    assertThatThrownBy(() -> EventRules.parseRules(eventRules(row)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            (row.jsonField().equals("assignedTo")
                    ? "eventRules[0].assignTo[0]"
                    : "eventRules[0].task." + row.jsonField())
                + " "
                + row.rule());

    assertThat(svc.listTasks(TaskQuery.all())).as("nothing created").isEmpty();
    assertThat(svc.listSchedules()).as("nothing scheduled").isEmpty();
  }

  private static ObjectNode valid() {
    return (ObjectNode) Json.read(VALID_JSON);
  }

  private void refused(ThrowingCallable call, String field, String rule) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(field + " " + rule);
  }

  /** Drops the spec into the inbox and returns the error file it was rejected with. */
  private String inboxError(ObjectNode spec) throws IOException {
    Path folder = inbox.folder();
    Files.createDirectories(folder);
    Path tmp = Files.writeString(folder.resolve(".bad.json.tmp"), Json.write(spec));
    Files.move(tmp, folder.resolve("bad.json"));
    inbox.scanOnce();
    return Files.readString(folder.resolve(Inbox.REJECTED).resolve("bad.json.error"));
  }

  /**
   * An event rule with the row's mistake: in its task, or, for the agent, in {@code assignTo},
   * where an event rule names who gets the task.
   */
  private static ArrayNode eventRules(Row row) {
    ArrayNode rules = Json.MAPPER.createArrayNode();
    ObjectNode rule = rules.addObject().put("topic", "build.failed");
    ObjectNode task = Json.MAPPER.createObjectNode().put("type", "triage");
    if (row.jsonField().equals("assignedTo")) {
      rule.putArray("assignTo").add(row.json().get("assignedTo"));
    } else {
      task.setAll(row.json());
    }
    rule.set("task", task);
    return rules;
  }
}
