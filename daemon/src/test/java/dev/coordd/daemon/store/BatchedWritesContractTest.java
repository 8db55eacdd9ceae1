package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.SettableClock;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates, completions and lease renewals that share one group commit, which the writer runs
 * together ({@link Batched}): each caller gets what it would get alone (a task, an existing task
 * for a repeated key, its own error while the rest commit), and operations of different kinds keep
 * their order. The writer is held on one operation while the calls queue up behind it, so they are
 * sure to share the next batch; its counters show they ran as groups, not one by one.
 */
public abstract class BatchedWritesContractTest {
  @TempDir protected Path dir;
  protected final SettableClock clock = SettableClock.atSomeMoment();
  protected Daemon daemon;
  protected CoordinationService svc;

  /** The store under test; {@code dir} is a fresh directory of this test's own. */
  protected abstract StoreSettings storeSettings(Path dir);

  /** As {@link StoreContractTest#start}: a daemon on the store, worker "w" registered. */
  protected void start(String... kv) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pollInterval", "1h");
    for (int i = 0; i < kv.length; i += 2) {
      settings.put(kv[i], kv[i + 1]);
    }
    DaemonConfig config = ConfigLoader.load(dir.resolve("home"), Map.of(), settings);
    daemon = Daemon.start(config, clock, storeSettings(dir));
    svc = daemon.service();
    svc.registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private StoreWriter writer() {
    return daemon.engine().store().writer();
  }

  /** What each call returned, or the exception it threw; in the order given. */
  private record Outcomes(List<Object> values, long groups, long grouped, long statements) {
    Task task(int i) {
      assertThat(values.get(i)).as("outcome %d", i).isInstanceOf(Task.class);
      return (Task) values.get(i);
    }

    Throwable error(int i) {
      assertThat(values.get(i)).as("outcome %d", i).isInstanceOf(Throwable.class);
      return (Throwable) values.get(i);
    }
  }

  /**
   * Runs the calls while the writer is held, each queued after the one before it (so their order in
   * the batch is the order given), then releases the writer: they commit in one batch.
   */
  private Outcomes inOneBatch(List<Callable<?>> calls, boolean keepOrder) throws Exception {
    StoreWriter writer = writer();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Object> gate =
        writer.submit(
            tx -> {
              holding.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            });
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    long groups = writer.groupsRun();
    long grouped = writer.operationsGrouped();
    long statements = writer.statementsRun();
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      int base = writer.queued();
      for (int i = 0; i < calls.size(); i++) {
        futures.add(pool.submit(calls.get(i)));
        if (keepOrder) {
          awaitQueued(writer, base + i + 1);
        }
      }
      awaitQueued(writer, base + calls.size());
      release.countDown();
      gate.get(30, TimeUnit.SECONDS);
      List<Object> values = new ArrayList<>();
      for (Future<?> f : futures) {
        try {
          values.add(f.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          values.add(e.getCause());
        }
      }
      return new Outcomes(
          values,
          writer.groupsRun() - groups,
          writer.operationsGrouped() - grouped,
          writer.statementsRun() - statements);
    } finally {
      release.countDown();
    }
  }

  private static void awaitQueued(StoreWriter writer, int n) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (writer.queued() < n) {
      assertThat(System.nanoTime()).as("%d operations queued", n).isLessThan(until);
      Thread.sleep(1);
    }
  }

  private boolean setBased() {
    return daemon.engine().store().sql().tasks().setBased();
  }

  /** Claims each task for {@code agent}; returns them with their tokens. */
  private List<Task> claim(String agent, List<String> ids) {
    List<Task> claimed = new ArrayList<>();
    for (String id : ids) {
      Task t = svc.getTask(id);
      assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    }
    while (claimed.size() < ids.size()) {
      List<Task> got = svc.claimTasks(agent, List.of("work"), 1_000, 0, null);
      assertThat(got).isNotEmpty();
      claimed.addAll(got);
    }
    return claimed.stream().sorted((a, b) -> ids.indexOf(a.id()) - ids.indexOf(b.id())).toList();
  }

  private String create(String assignedTo) {
    return svc.createTask(NewTask.of("work").withAssignedTo(assignedTo)).id();
  }

  @Test
  void creates_in_one_batch_return_new_tasks_and_the_holders_of_repeated_keys() throws Exception {
    start();
    Task earlier = svc.createTask(NewTask.of("work").withIdempotencyKey("k1"));
    Outcomes out =
        inOneBatch(
            List.of(
                () -> svc.createTask(NewTask.of("work")),
                () -> svc.createTask(NewTask.of("work").withIdempotencyKey("k1")),
                () -> svc.createTask(NewTask.of("work").withIdempotencyKey("k2").withPriority(3)),
                () -> svc.createTask(NewTask.of("work")),
                () -> svc.createTask(NewTask.of("work").withIdempotencyKey("k2")),
                () -> svc.createTask(NewTask.of("work").withDelayMs(60_000))),
            true);

    assertThat(out.task(1)).isEqualTo(svc.getTask(earlier.id()));
    Task k2 = out.task(2);
    assertThat(k2.priority()).isEqualTo(3);
    assertThat(out.task(4).id()).isEqualTo(k2.id()); // the first of the batch holds the key
    assertThat(out.task(4).priority()).isEqualTo(3);
    for (int i : List.of(0, 2, 3, 5)) {
      Task created = out.task(i);
      assertThat(svc.getTask(created.id()))
          .as("task %d as stored", i)
          .isEqualTo(created.withRuns(List.of()));
    }
    assertThat(out.task(5).runAt()).isEqualTo(clock.millis() + 60_000);
    assertThat(svc.listTasks(new TaskQuery(null, "work", null, 100))).hasSize(5);
    assertThat(out.grouped()).isGreaterThanOrEqualTo(6);
    assertThat(out.groups()).isLessThanOrEqualTo(2); // a stray chore of the daemon may split it
  }

  @Test
  void completions_in_one_batch_fail_alone_with_todays_errors_and_the_rest_commit()
      throws Exception {
    start();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(create(null));
    }
    String queued = create("nobody");
    String elses = create("x");
    List<Task> mine = claim("w", ids);
    Task theirs = claim("x", List.of(elses)).get(0);
    clock.step(Duration.ofSeconds(7));

    Outcomes out =
        inOneBatch(
            List.of(
                () ->
                    svc.completeTask(ids.get(0), "w", mine.get(0).claimToken(), IntNode.valueOf(0)),
                () -> svc.completeTask(theirs.id(), "w", theirs.claimToken(), null),
                () -> svc.completeTask(ids.get(1), "w", "0000000000", null),
                () -> svc.completeTask(queued, "w", "0000000000", null),
                () -> svc.completeTask("t-none", "w", "0000000000", null),
                () -> svc.completeTask(ids.get(2), "w", null, null),
                () ->
                    svc.completeTask(ids.get(3), "w", mine.get(3).claimToken(), IntNode.valueOf(3)),
                () -> svc.completeTask(ids.get(0), "w", mine.get(0).claimToken(), null),
                () -> svc.completeTask(ids.get(4), "w", mine.get(4).claimToken(), null)),
            true);

    for (int i : List.of(0, 6, 8)) {
      assertThat(out.task(i).status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(out.task(i).finishedAt()).isEqualTo(clock.millis());
    }
    assertThat(out.error(1))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is leased to x, not w");
    assertThat(out.error(2))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("that token is not this attempt's");
    assertThat(out.error(3))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is queued, not running");
    assertThat(out.error(4))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("no task with id t-none");
    assertThat(out.error(5))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("pass the claim token");
    assertThat(out.error(7)) // the same task twice: the second sees what the first did
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is succeeded, not running");

    Task done = svc.getTask(ids.get(3));
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result()).isEqualTo(IntNode.valueOf(3));
    assertThat(done.leaseOwner()).isNull();
    assertThat(done.claimToken()).isNull();
    assertThat(done.runs())
        .extracting(TaskRun::attempt, TaskRun::worker, TaskRun::outcome, TaskRun::finishedAt)
        .containsExactly(
            org.assertj.core.api.Assertions.tuple(1, "w", "succeeded", clock.millis()));
    assertThat(svc.getTask(ids.get(0)).runs()).hasSize(1);
    for (String untouched : List.of(ids.get(1), ids.get(2), elses)) {
      Task t = svc.getTask(untouched);
      assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(t.runs()).isEmpty();
    }
    assertThat(svc.getTask(queued).status()).isEqualTo(TaskStatus.QUEUED);
    Agent w = svc.listAgents().stream().filter(a -> a.name().equals("w")).findFirst().orElseThrow();
    assertThat(w.lastHeartbeat()).isEqualTo(clock.millis()); // working counts as a beat
    Agent x = svc.listAgents().stream().filter(a -> a.name().equals("x")).findFirst().orElseThrow();
    assertThat(x.lastHeartbeat()).isLessThan(clock.millis());

    assertThat(out.grouped()).isGreaterThanOrEqualTo(9);
    assertThat(out.groups()).isLessThanOrEqualTo(3); // two rounds: one task twice
    if (setBased()) {
      // two rounds of one read, one beat, one update and one history insert, and the gate
      assertThat(out.statements()).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void renewals_in_one_batch_fail_alone_and_the_rest_are_renewed() throws Exception {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    List<String> ids = List.of(create(null), create(null), create(null));
    String queued = create("nobody");
    List<Task> mine = claim("w", ids);
    Task theirs = claim("x", List.of(create("x"))).get(0);
    long before = svc.getTask(ids.get(1)).leaseExpiresAt();
    clock.step(Duration.ofSeconds(10));

    Outcomes out =
        inOneBatch(
            List.of(
                () -> svc.renewLease(ids.get(0), "w", mine.get(0).claimToken()),
                () -> svc.renewLease(theirs.id(), "w", theirs.claimToken()),
                () -> svc.renewLease(ids.get(1), "w", "0000000000"),
                () -> svc.renewLease(queued, "w", "0000000000"),
                () -> svc.renewLease(ids.get(2), "w", mine.get(2).claimToken()),
                () -> svc.renewLease(ids.get(0), "w", mine.get(0).claimToken())),
            true);

    long now = clock.millis();
    assertThat(out.task(0).leaseExpiresAt()).isEqualTo(now + 30_000);
    assertThat(out.task(4).leaseExpiresAt()).isEqualTo(now + 30_000);
    assertThat(out.task(5).leaseExpiresAt()).isEqualTo(now + 30_000);
    assertThat(out.error(1)).isInstanceOf(ConflictException.class).hasMessageContaining("not w");
    assertThat(out.error(2))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("that token is not this attempt's");
    assertThat(out.error(3))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is queued, not running");
    assertThat(svc.getTask(ids.get(1)).leaseExpiresAt()).isEqualTo(before);
    assertThat(svc.getTask(ids.get(2)).leaseExpiresAt()).isEqualTo(now + 30_000);
    assertThat(out.grouped()).isGreaterThanOrEqualTo(6);
    assertThat(out.groups()).isLessThanOrEqualTo(3);
  }

  @Test
  void kinds_keep_their_order_within_a_batch() throws Exception {
    start();
    List<String> ids = List.of(create(null), create(null));
    List<Task> mine = claim("w", ids);
    Task a = mine.get(0);
    Task b = mine.get(1);

    Outcomes out =
        inOneBatch(
            List.of(
                () -> svc.completeTask(a.id(), "w", a.claimToken(), null),
                () -> svc.renewLease(a.id(), "w", a.claimToken()),
                () -> svc.renewLease(b.id(), "w", b.claimToken()),
                () -> svc.completeTask(b.id(), "w", b.claimToken(), null),
                () -> svc.createTask(NewTask.of("work").withIdempotencyKey("o")),
                () -> svc.completeTask(a.id(), "w", a.claimToken(), null),
                () -> svc.createTask(NewTask.of("work").withIdempotencyKey("o"))),
            true);

    assertThat(out.task(0).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(out.error(1)).hasMessageContaining("is succeeded, not running"); // after it
    assertThat(out.task(2).status()).isEqualTo(TaskStatus.RUNNING); // before its completion
    assertThat(out.task(3).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(out.error(5)).hasMessageContaining("is succeeded, not running");
    assertThat(out.task(6).id()).isEqualTo(out.task(4).id());
  }

  @Test
  void a_batch_of_one_and_a_full_batch_each_commit_every_operation() throws Exception {
    start();
    // assigned elsewhere, so the full batch's claims below cannot take it in place of one of theirs
    Outcomes one =
        inOneBatch(
            List.of(() -> svc.createTask(NewTask.of("work").withAssignedTo("someone-else"))), true);
    assertThat(svc.getTask(one.task(0).id()).status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(one.groups()).isEqualTo(1);

    int n = StoreWriter.MAX_BATCH;
    List<Callable<?>> creates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = i % 2 == 0 ? "full-" + i : null;
      creates.add(() -> svc.createTask(NewTask.of("work").withIdempotencyKey(key)));
    }
    Outcomes created = inOneBatch(creates, false);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(created.task(i).id());
    }
    assertThat(new HashSet<>(ids)).hasSize(n);
    assertThat(created.grouped()).isGreaterThanOrEqualTo(n);
    assertThat(created.groups()).isLessThanOrEqualTo(3);

    List<Task> claimed = claim("w", ids);
    clock.step(Duration.ofSeconds(1));
    List<Callable<?>> completions = new ArrayList<>();
    for (Task t : claimed) {
      completions.add(() -> svc.completeTask(t.id(), "w", t.claimToken(), null));
    }
    Outcomes completed = inOneBatch(completions, false);
    for (int i = 0; i < n; i++) {
      assertThat(completed.task(i).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
    assertThat(svc.listTasks(new TaskQuery(TaskStatus.SUCCEEDED, "work", null, 1_000)))
        .hasSize(1_000);
    assertThat(svc.getTask(ids.get(n - 1)).runs()).hasSize(1);
    assertThat(completed.groups()).isLessThanOrEqualTo(3);
    if (setBased()) {
      assertThat(completed.statements()).isLessThan(20);
    }
  }
}
