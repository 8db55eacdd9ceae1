package dev.coordd.daemon.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.BatchItem;
import dev.coordd.api.Completion;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch calls item by item: each item's own task or error in the items' order, good and bad mixed,
 * a rate limit reached midway, and a key or a task repeated inside one batch.
 */
class BatchItemsTest {
  @TempDir Path dir;

  private static NewTask task(String createdBy) {
    return NewTask.of("review").withAssignedTo("alice").withCreatedBy(createdBy);
  }

  @Test
  void a_rate_limit_reached_midway_refuses_that_agents_items_from_there_on() {
    try (DaemonFixture f =
        new DaemonFixture(dir, Map.of("rateLimit", "{\"createsPerSecond\": 1, \"burst\": 2}"))) {
      List<BatchItem> out =
          f.service()
              .createTasks(
                  List.of(task("bot"), task("bot"), task("bot"), task("human"), task("bot")));
      assertThat(out)
          .extracting(BatchItem::succeeded)
          .containsExactly(true, true, false, true, false);
      assertThat(out.get(2).error().kind()).isEqualTo("rate_limited");
      assertThat(out.get(2).error().message())
          .isEqualTo(
              "rate limited: bot may create 1 tasks per second (bursts of 2; rateLimit in the"
                  + " configuration); retry after 1000 ms");
      assertThat(out.get(3).task().createdBy()).isEqualTo("human");
      assertThat(f.service().listTasks(new TaskQuery(null, null, null, 10))).hasSize(3);
    }
  }

  @Test
  void good_and_bad_creates_keep_their_order_and_a_repeated_key_gets_the_first_task() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      CoordinationService svc = f.service();
      Task before = svc.createTask(task("a").withIdempotencyKey("old"));
      List<BatchItem> out =
          svc.createTasks(
              Arrays.asList(
                  task("a").withIdempotencyKey("k"),
                  NewTask.of("bad type!"),
                  null,
                  task("a").withIdempotencyKey("old"),
                  NewTask.of("nobody_runs_this"),
                  task("a").withIdempotencyKey("k").withPriority(9),
                  task("a").withPriority(-1),
                  task("a").withDependsOn(List.of("no-such-task")),
                  task("a").withDependsOn(List.of(before.id()))));
      assertThat(out).hasSize(9);
      assertThat(out.get(0).task().status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(out.get(1).error().field()).isEqualTo("type");
      assertThat(out.get(2).error().message()).isEqualTo("item 2 of 'tasks' is null");
      assertThat(out.get(3).task().id()).isEqualTo(before.id());
      assertThat(out.get(4).error().message()).contains("no handler for task type");
      // The first item of the batch with a key holds it; the repeat gets that task as it is.
      assertThat(out.get(5).task().id()).isEqualTo(out.get(0).task().id());
      assertThat(out.get(5).task().priority()).isZero();
      assertThat(out.get(6).error().field()).isEqualTo("priority");
      assertThat(out.get(7).error().message()).contains("no task with id no-such-task");
      assertThat(out.get(8).task().status()).isEqualTo(TaskStatus.WAITING);
      // Stored: the one before, item 0 and item 8.
      assertThat(svc.listTasks(new TaskQuery(null, null, null, 100))).hasSize(3);
      // Ids follow the items' order.
      assertThat(out.get(8).task().id()).isGreaterThan(out.get(0).task().id());
    }
  }

  @Test
  void completions_keep_their_order_and_each_its_own_error() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      CoordinationService svc = f.service();
      svc.registerAgent(new AgentRegistration("w", "worker", List.of("build"), null));
      for (int i = 0; i < 3; i++) {
        svc.createTask(NewTask.of("build"));
      }
      List<Task> claimed = svc.claimTasks("w", List.of("build"), 3, 0, null);
      Task waiting = svc.createTask(NewTask.of("build"));
      JsonNode ok = Json.MAPPER.createObjectNode().put("ok", true);
      List<BatchItem> out =
          svc.completeTasks(
              Arrays.asList(
                  done(claimed.get(0), ok),
                  new Completion(claimed.get(1).id(), "w", "not-the-token", null),
                  null,
                  new Completion("no-such-id", "w", "t", null),
                  new Completion(waiting.id(), "w", "t", null),
                  done(claimed.get(0), null),
                  new Completion(
                      claimed.get(2).id(), "someone-else", claimed.get(2).claimToken(), null),
                  done(claimed.get(2), null)));
      assertThat(out.get(0).task().status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(out.get(0).task().result()).isEqualTo(ok);
      assertThat(out.get(1).error().kind()).isEqualTo("conflict");
      assertThat(out.get(2).error().message()).isEqualTo("item 2 of 'completions' is null");
      assertThat(out.get(3).error().kind()).isIn("invalid", "not_found");
      assertThat(out.get(4).error().message()).contains("is queued, not running");
      // Completed by item 0 of the same batch before this one.
      assertThat(out.get(5).error().message()).contains("is succeeded, not running");
      assertThat(out.get(6).error().message()).contains("is leased to w, not someone-else");
      assertThat(out.get(7).task().status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(svc.getTask(claimed.get(1).id()).status()).isEqualTo(TaskStatus.RUNNING);
    }
  }

  private static Completion done(Task t, JsonNode result) {
    return new Completion(t.id(), "w", t.claimToken(), result);
  }
}
