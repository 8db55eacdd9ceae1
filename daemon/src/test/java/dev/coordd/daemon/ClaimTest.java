package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimTest {
  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  @BeforeEach
  void start() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    svc = f.service();
    svc.registerAgent(new AgentRegistration("worker-pool", "worker", List.of("work"), null));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void many_threads_claiming_one_queue_claim_every_task_exactly_once() throws Exception {
    int tasks = 2_000;
    List<String> created = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      created.add(svc.createTask(NewTask.of("work")).id());
    }
    int threads = 8;
    ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        String agent = "w" + t;
        pool.submit(
            () -> {
              go.await();
              while (true) {
                List<Task> batch = svc.claimTasks(agent, List.of("work"), 7, 0, null);
                if (batch.isEmpty()) {
                  return null;
                }
                batch.forEach(task -> claimed.add(task.id()));
              }
            });
      }
      go.countDown();
    }
    assertThat(claimed).hasSize(tasks).doesNotHaveDuplicates();
    assertThat(new HashSet<>(claimed)).isEqualTo(new HashSet<>(created));
  }

  @Test
  void a_claim_that_waits_is_woken_by_a_task_created_while_it_waits() throws Exception {
    long hour = Duration.ofHours(1).toMillis();
    CompletableFuture<List<Task>> waiting =
        CompletableFuture.supplyAsync(() -> svc.claimTasks("w", List.of("work"), 1, hour, null));
    Thread.sleep(100); // let it reach its wait; the result does not depend on it
    assertThat(waiting).isNotDone();
    String id = svc.createTask(NewTask.of("work")).id();
    // No poll for an hour and no background rounds: only the create's notification ends the wait.
    assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(Task::id).containsExactly(id);
  }

  @Test
  void a_waiting_claim_returns_empty_as_the_daemon_starts_stopping_not_after_its_grace_period()
      throws Exception {
    f.close();
    f = DaemonFixture.wokenOnlyByNotifications(dir.resolve("graceful"), "shutdownGrace", "1m");
    svc = f.service();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    f.daemon.registerHandler(
        "hold",
        ctx -> {
          running.countDown();
          letGo.await(); // keeps the graceful stop busy
          return null;
        });
    svc.createTask(NewTask.of("hold"));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    long hour = Duration.ofHours(1).toMillis();
    CompletableFuture<List<Task>> waiting =
        CompletableFuture.supplyAsync(() -> svc.claimTasks("w", List.of("work"), 1, hour, null));
    Thread.sleep(100);
    assertThat(waiting).isNotDone();
    Thread closing = Thread.ofVirtual().start(f.daemon::close);
    try {
      assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(closing.isAlive()).as("the daemon is still in its grace period").isTrue();
    } finally {
      letGo.countDown();
      closing.join();
    }
  }

  @Test
  void a_claim_that_waits_returns_empty_when_its_wait_ends() {
    assertThat(svc.claimTasks("w", List.of("work"), 1, 50, null)).isEmpty();
  }

  @Test
  void higher_priority_is_claimed_first_then_oldest() {
    String low = svc.createTask(NewTask.of("work").withPriority(1)).id();
    String highOld = svc.createTask(NewTask.of("work").withPriority(5)).id();
    String highNew = svc.createTask(NewTask.of("work").withPriority(5)).id();
    String none = svc.createTask(NewTask.of("work")).id();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(svc.claimTasks("w", List.of("work"), 1, 0, null).get(0).id());
    }
    assertThat(order).containsExactly(highOld, highNew, low, none);
  }

  @Test
  void a_batch_claim_returns_tasks_in_priority_order() {
    String a = svc.createTask(NewTask.of("work").withPriority(0)).id();
    String b = svc.createTask(NewTask.of("work").withPriority(9)).id();
    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(b, a);
  }

  @Test
  void a_task_assigned_to_an_agent_is_claimed_only_by_that_agent() {
    String forAlice = svc.createTask(NewTask.of("review").withAssignedTo("alice")).id();
    assertThat(svc.claimTasks("bob", List.of(), 10, 0, null)).isEmpty();
    assertThat(svc.claimTasks("bob", List.of("review"), 10, 0, null)).isEmpty();
    List<Task> mine = svc.claimTasks("alice", List.of("something-else"), 10, 0, null);
    assertThat(mine).extracting(Task::id).containsExactly(forAlice);
    assertThat(mine.get(0).leaseOwner()).isEqualTo("alice");
    assertThat(mine.get(0).attempts()).isEqualTo(1);
  }

  @Test
  void a_claimer_gets_only_the_types_it_asked_for() {
    svc.registerAgent(new AgentRegistration("p", "worker", List.of("other"), null));
    svc.createTask(NewTask.of("other"));
    String work = svc.createTask(NewTask.of("work")).id();
    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(work);
  }

  @Test
  void a_delayed_task_is_not_claimed_before_its_time() {
    String id = svc.createTask(NewTask.of("work").withDelayMs(60_000)).id();
    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null)).isEmpty();
    f.clock.step(java.time.Duration.ofSeconds(61));
    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(id);
  }

  @Test
  void the_same_idempotency_key_returns_the_first_task() {
    Task first = svc.createTask(NewTask.of("work").withIdempotencyKey("build-42"));
    Task second =
        svc.createTask(
            NewTask.of("work")
                .withIdempotencyKey("build-42")
                .withDescription("a different description"));
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.description()).isEqualTo(first.description());
    assertThat(svc.listTasks(null)).hasSize(1);
  }

  @Test
  void an_external_worker_completes_its_task_and_the_result_is_kept() {
    String id = svc.createTask(NewTask.of("work")).id();
    String token = svc.claimTasks("w", List.of("work"), 1, 0, null).getFirst().claimToken();
    Task done = svc.completeTask(id, "w", token, Json.read("{\"answer\":42}"));
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    Task shown = svc.getTask(id);
    assertThat(shown.result().get("answer").asInt()).isEqualTo(42);
    assertThat(shown.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo("succeeded");
              assertThat(r.worker()).isEqualTo("w");
            });
  }

  @Test
  void claim_registers_an_unknown_worker_so_its_liveness_is_tracked() {
    svc.claimTasks("newcomer", List.of("work"), 1, 0, null);
    Set<String> names = new HashSet<>();
    svc.listAgents().forEach(a -> names.add(a.name()));
    assertThat(names).contains("newcomer", "daemon", "worker-pool");
  }

  @Test
  void completing_a_task_held_by_someone_else_is_refused() {
    String id = svc.createTask(NewTask.of("work")).id();
    svc.claimTasks("w", List.of("work"), 1, 0, null);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> svc.completeTask(id, "intruder", null, null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("leased to w, not intruder");
  }

  static Map<String, String> settings(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
