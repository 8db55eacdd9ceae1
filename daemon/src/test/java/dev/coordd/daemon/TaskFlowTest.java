package dev.coordd.daemon;

import static dev.coordd.daemon.ClaimTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.QueueState;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dependencies, queue pause and per-type concurrency limits. */
class TaskFlowTest {
  @TempDir Path dir;
  DaemonFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private CoordinationService svc() {
    return f.service();
  }

  @Test
  void a_chain_runs_in_order_each_task_after_its_dependency_succeeded() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    f.daemon.registerHandler(
        "step",
        ctx -> {
          order.add(ctx.data().get("n").asText());
          return TextNode.valueOf("ok");
        });
    String a =
        svc()
            .createTask(NewTask.of("step").withDelayMs(60_000).withData(Json.read("{\"n\":\"a\"}")))
            .id();
    String b =
        svc()
            .createTask(
                NewTask.of("step").withDependsOn(List.of(a)).withData(Json.read("{\"n\":\"b\"}")))
            .id();
    String c =
        svc()
            .createTask(
                NewTask.of("step")
                    .withDependsOn(List.of(a, b))
                    .withData(Json.read("{\"n\":\"c\"}")))
            .id();
    assertThat(svc().getTask(b).status()).isEqualTo(TaskStatus.WAITING);
    assertThat(svc().getTask(b).waitingFor()).isEqualTo("dependencies");
    f.advance(Duration.ofMinutes(2));
    assertThat(f.awaitFinished(c).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(order).containsExactly("a", "b", "c");
  }

  @Test
  void a_failed_dependency_fails_its_dependents_down_the_chain_with_the_reason() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    f.daemon.registerHandler(
        "boom",
        ctx -> {
          throw new TaskFailure("broken", "the build is red", true);
        });
    String a = svc().createTask(NewTask.of("boom").withDelayMs(60_000)).id();
    String b = svc().createTask(NewTask.of("x").withAssignedTo("w").withDependsOn(List.of(a))).id();
    String c = svc().createTask(NewTask.of("x").withAssignedTo("w").withDependsOn(List.of(b))).id();
    f.advance(Duration.ofMinutes(2));
    Task failedB = f.awaitFinished(b);
    assertThat(failedB.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failedB.error().kind()).isEqualTo("dependency_failed");
    assertThat(failedB.error().message()).contains(a).contains("the build is red");
    Task failedC = f.awaitFinished(c);
    assertThat(failedC.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failedC.error().message()).contains(b);
  }

  @Test
  void cancelling_a_dependency_fails_the_dependent_instead_of_leaving_it_waiting() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    String a = svc().createTask(NewTask.of("x").withAssignedTo("w")).id();
    String b = svc().createTask(NewTask.of("x").withAssignedTo("w").withDependsOn(List.of(a))).id();
    svc().cancelTask(a);
    Task failed = f.awaitFinished(b);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().message()).contains("dependency " + a + " cancelled");
  }

  @Test
  void dependencies_must_exist_and_not_have_failed() {
    f = new DaemonFixture(dir);
    assertThatThrownBy(
            () ->
                svc()
                    .createTask(
                        NewTask.of("x").withAssignedTo("w").withDependsOn(List.of("no-such-task"))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("only depend on tasks that already exist");
    String a = svc().createTask(NewTask.of("x").withAssignedTo("w")).id();
    svc().cancelTask(a);
    assertThatThrownBy(
            () -> svc().createTask(NewTask.of("x").withAssignedTo("w").withDependsOn(List.of(a))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("already cancelled");
    assertThat(svc().listTasks(null)).hasSize(1);
  }

  @Test
  void retrying_a_dependent_waits_for_its_dependencies_again() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    String a = svc().createTask(NewTask.of("x").withAssignedTo("w")).id();
    String b = svc().createTask(NewTask.of("x").withAssignedTo("w").withDependsOn(List.of(a))).id();
    svc().cancelTask(a);
    f.awaitFinished(b);
    svc().retryTask(a);
    Task retried = svc().retryTask(b);
    assertThat(retried.status()).isEqualTo(TaskStatus.WAITING);
    String token = svc().claimTasks("w", List.of(), 1, 0, null).getFirst().claimToken();
    svc().completeTask(a, "w", token, null);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (svc().getTask(b).status() != TaskStatus.QUEUED && System.nanoTime() < until) {
      DaemonFixture.sleep(5);
    }
    assertThat(svc().getTask(b).status()).isEqualTo(TaskStatus.QUEUED);
  }

  @Test
  void a_paused_type_is_claimed_by_nobody_until_resumed() {
    f = new DaemonFixture(dir);
    svc().registerAgent(new AgentRegistration("w", "worker", List.of("build"), null));
    String id = svc().createTask(NewTask.of("build")).id();
    QueueState paused = svc().pauseQueue("build");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.queued()).isEqualTo(1);
    assertThat(svc().claimTasks("w", List.of("build"), 10, 0, null)).isEmpty();
    svc().resumeQueue("build");
    assertThat(svc().claimTasks("w", List.of("build"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(id);
  }

  @Test
  void a_paused_type_holds_the_daemons_own_workers_too() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    AtomicInteger ran = new AtomicInteger();
    f.daemon.registerHandler("job", ctx -> TextNode.valueOf("ran " + ran.incrementAndGet()));
    svc().pauseQueue("job");
    String id = svc().createTask(NewTask.of("job")).id();
    f.daemon.engine().dispatcher().claimOnce();
    assertThat(svc().awaitTask(id, 200).status()).isEqualTo(TaskStatus.QUEUED);
    svc().resumeQueue("job");
    assertThat(f.awaitFinished(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void a_concurrency_limit_is_never_exceeded_under_a_burst() throws Exception {
    f = new DaemonFixture(dir, settings("concurrency", "32"));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    f.daemon.registerHandler(
        "heavy",
        ctx -> {
          int now = running.incrementAndGet();
          peak.accumulateAndGet(now, Math::max);
          Thread.sleep(20);
          running.decrementAndGet();
          return null;
        });
    svc().limitQueue("heavy", 3);
    svc().registerAgent(new AgentRegistration("ext", "worker", List.of("heavy"), null));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(svc().createTask(NewTask.of("heavy")).id());
    }
    // External claimers race the daemon's workers for the same capped type.
    ConcurrentLinkedQueue<Integer> observed = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(4);
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        String agent = "ext-" + t;
        pool.submit(
            () -> {
              try {
                for (int i = 0; i < 30; i++) {
                  for (Task claimed : svc().claimTasks(agent, List.of("heavy"), 5, 0, null)) {
                    observed.add(runningOf("heavy"));
                    svc().completeTask(claimed.id(), agent, claimed.claimToken(), null);
                  }
                }
              } finally {
                done.countDown();
              }
              return null;
            });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).as("claimers finished").isTrue();
    }
    for (String id : ids) {
      svc().awaitTask(id, 30_000);
    }
    assertThat(peak.get()).isLessThanOrEqualTo(3);
    assertThat(observed).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
    assertThat(svc().listTasks(new TaskQuery(TaskStatus.SUCCEEDED, "heavy", null, 1000)))
        .hasSize(60);
  }

  private int runningOf(String type) {
    return (int)
        svc().listQueues().stream()
            .filter(q -> q.type().equals(type))
            .findFirst()
            .orElseThrow()
            .running();
  }

  @Test
  void a_cap_set_while_tasks_wait_applies_to_the_very_next_batch_claim() {
    f = new DaemonFixture(dir);
    svc().registerAgent(new AgentRegistration("w", "worker", List.of("build", "lint"), null));
    for (int i = 0; i < 10; i++) {
      svc().createTask(NewTask.of("build"));
      svc().createTask(NewTask.of("lint"));
    }
    svc().limitQueue("build", 2);
    svc().pauseQueue("lint");
    List<Task> batch = svc().claimTasks("w", List.of("build", "lint"), 50, 0, null);
    assertThat(batch).hasSize(2).allSatisfy(t -> assertThat(t.type()).isEqualTo("build"));
    assertThat(svc().claimTasks("w", List.of("build", "lint"), 50, 0, null)).isEmpty();
    svc().resumeQueue("lint");
    assertThat(svc().claimTasks("w", List.of("lint"), 50, 0, null)).hasSize(10);
  }

  @Test
  void a_claim_waiting_at_a_full_cap_is_woken_when_a_task_of_that_type_finishes() throws Exception {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    svc().registerAgent(new AgentRegistration("a", "worker", List.of("build"), null));
    svc().limitQueue("build", 1);
    String first = svc().createTask(NewTask.of("build")).id();
    svc().createTask(NewTask.of("build"));
    List<Task> mine = svc().claimTasks("a", List.of("build"), 1, 0, null);
    assertThat(mine).hasSize(1);
    long hour = Duration.ofHours(1).toMillis();
    CompletableFuture<List<Task>> waiting =
        CompletableFuture.supplyAsync(() -> svc().claimTasks("b", List.of("build"), 1, hour, null));
    Thread.sleep(100); // let it reach its wait; the result does not depend on it
    assertThat(waiting).isNotDone();
    svc().completeTask(first, "a", mine.getFirst().claimToken(), null);
    assertThat(waiting.get(10, TimeUnit.SECONDS)).hasSize(1);
  }

  @Test
  void bad_limits_are_refused() {
    f = new DaemonFixture(dir);
    assertThatThrownBy(() -> svc().limitQueue("x", 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("between 1 and");
    assertThatThrownBy(() -> svc().pauseQueue("bad type"))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(svc().limitQueue("x", 2).maxConcurrency()).isEqualTo(2);
    assertThat(svc().limitQueue("x", null).maxConcurrency()).isNull();
  }
}
