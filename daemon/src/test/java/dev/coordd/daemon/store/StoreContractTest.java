package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Event;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Lock;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.QueueState;
import dev.coordd.api.ScheduleSpec;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every store must do, proved through the public {@link CoordinationService} of a running
 * daemon on the store a subclass names ({@link #storeSettings}). Time moves only when a test steps
 * the clock. Nothing here may assume a particular database: a new store passes by adding a
 * subclass.
 */
public abstract class StoreContractTest {
  static final long MIN = Duration.ofMinutes(1).toMillis();

  @TempDir protected Path dir;
  protected final SettableClock clock = SettableClock.atSomeMoment();
  protected Daemon daemon;
  protected CoordinationService svc;

  /** The store under test; {@code dir} is a fresh directory of this test's own. */
  protected abstract StoreSettings storeSettings(Path dir);

  /**
   * Starts a daemon on the store; {@code kv} are config keys and values (e.g. pollInterval, 1h).
   */
  protected void start(String... kv) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pollInterval", "1h"); // the tests step time, no poll may do it for them
    for (int i = 0; i < kv.length; i += 2) {
      settings.put(kv[i], kv[i + 1]);
    }
    DaemonConfig config = ConfigLoader.load(dir.resolve("home"), Map.of(), settings);
    daemon = Daemon.start(config, clock, storeSettings(dir));
    svc = daemon.service();
    svc.registerAgent(
        new AgentRegistration("w", "worker", List.of("work", "build", "heavy"), null));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Steps the clock, then runs one housekeeping round (leases, locks, schedules). */
  protected void advance(Duration d) {
    clock.step(d);
    daemon.engine().housekeeper().tick();
  }

  /** Waits (real time, bounded) for work the engine does on its own threads. */
  protected Task awaitStatus(String id, TaskStatus status) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Task t = svc.getTask(id);
    while (t.status() != status && System.nanoTime() < until) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      t = svc.getTask(id);
    }
    assertThat(t.status()).as("status of task %s", id).isEqualTo(status);
    return t;
  }

  @Test
  void many_concurrent_claimers_claim_every_task_exactly_once() throws Exception {
    start();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      created.add(svc.createTask(NewTask.of("work")).id());
    }
    ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      for (int t = 0; t < 6; t++) {
        String agent = "w" + t;
        pool.submit(
            () -> {
              go.await();
              for (List<Task> batch = svc.claimTasks(agent, List.of("work"), 5, 0, null);
                  !batch.isEmpty();
                  batch = svc.claimTasks(agent, List.of("work"), 5, 0, null)) {
                batch.forEach(task -> claimed.add(task.id()));
              }
              return null;
            });
      }
      go.countDown();
    }
    assertThat(claimed).hasSize(created.size()).doesNotHaveDuplicates();
    assertThat(new HashSet<>(claimed)).isEqualTo(new HashSet<>(created));
  }

  @Test
  void tasks_page_newest_first_by_keyset_cursor_across_many_pages() {
    start();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      created.add(svc.createTask(NewTask.of("paged").withAssignedTo("nobody")).id());
    }
    List<String> newestFirst = new ArrayList<>(created);
    java.util.Collections.reverse(newestFirst);

    List<String> seen = new ArrayList<>();
    TaskQuery q = new TaskQuery(TaskStatus.QUEUED, "paged", null, 5);
    int pages = 0;
    for (List<Task> page = svc.listTasks(q); !page.isEmpty(); pages++) {
      assertThat(page).hasSizeLessThanOrEqualTo(5);
      page.forEach(t -> seen.add(t.id()));
      if (pages == 1) {
        // A task created mid-way is newer than every cursor: later pages do not shift.
        svc.createTask(NewTask.of("paged").withAssignedTo("nobody"));
      }
      page = svc.listTasks(q.before(page.get(page.size() - 1).id()));
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).isEqualTo(newestFirst);

    assertThat(svc.listTasks(new TaskQuery(null, "paged", null, 100, created.get(1))))
        .extracting(Task::id)
        .containsExactly(created.get(0));
    assertThatThrownBy(() -> svc.listTasks(new TaskQuery(null, null, null, 5, " ")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("before must be the id of a task");
  }

  @Test
  void an_expired_lease_puts_the_task_back_with_the_attempt_counted() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String id = svc.createTask(NewTask.of("work")).id();
    assertThat(svc.claimTasks("w", List.of("work"), 1, 0, null)).hasSize(1);
    advance(Duration.ofSeconds(29));
    assertThat(svc.getTask(id).status()).isEqualTo(TaskStatus.RUNNING);
    advance(Duration.ofSeconds(2));

    Task requeued = svc.getTask(id);
    assertThat(requeued.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(requeued.attempts()).isEqualTo(1);
    assertThat(requeued.error().kind()).isEqualTo("lease_expired");
    advance(Duration.ofMinutes(10)); // past the retry backoff
    Task rerun = svc.claimTasks("w", List.of("work"), 1, 0, null).get(0);
    assertThat(rerun.id()).isEqualTo(id);
    assertThat(rerun.attempts()).isEqualTo(2);
  }

  @Test
  void failed_attempts_are_retried_until_the_task_fails_keeping_every_error() {
    start();
    String id = svc.createTask(NewTask.of("work").withMaxAttempts(3)).id();
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(svc.claimTasks("w", List.of("work"), 1, 0, null))
          .extracting(Task::id)
          .containsExactly(id);
      Task after = svc.failTask(id, "w", svc.getTask(id).claimToken(), "broken " + attempt);
      assertThat(after.status()).isEqualTo(attempt < 3 ? TaskStatus.QUEUED : TaskStatus.FAILED);
      advance(Duration.ofMinutes(10)); // past the retry backoff
    }
    Task failed = svc.getTask(id);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.error().message()).isEqualTo("broken 3");
    assertThat(failed.runs())
        .extracting(TaskRun::attempt, r -> r.error().message())
        .containsExactly(tuple(1, "broken 1"), tuple(2, "broken 2"), tuple(3, "broken 3"));
    assertThat(svc.claimTasks("w", List.of("work"), 1, 0, null)).isEmpty();
  }

  @Test
  void a_second_create_with_the_same_idempotency_key_returns_the_first_task() {
    start();
    Task first = svc.createTask(NewTask.of("work").withIdempotencyKey("nightly:2026-01-01"));
    Task again = svc.createTask(NewTask.of("work").withIdempotencyKey("nightly:2026-01-01"));
    Task other = svc.createTask(NewTask.of("work").withIdempotencyKey("nightly:2026-01-02"));

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(other.id()).isNotEqualTo(first.id());
    assertThat(svc.listTasks(new TaskQuery(null, "work", null, 100))).hasSize(2);
  }

  @Test
  void concurrent_creates_with_one_idempotency_key_make_one_task() throws Exception {
    start();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      for (int t = 0; t < 6; t++) {
        pool.submit(
            () -> {
              go.await();
              for (int i = 0; i < 10; i++) {
                ids.add(svc.createTask(NewTask.of("work").withIdempotencyKey("once")).id());
              }
              return null;
            });
      }
      go.countDown();
    }
    assertThat(ids).hasSize(60);
    assertThat(new HashSet<>(ids)).hasSize(1);
    assertThat(svc.listTasks(new TaskQuery(null, "work", null, 100))).hasSize(1);
  }

  @Test
  void a_dependent_waits_until_its_dependency_succeeded_and_fails_when_one_failed() {
    start();
    String a = svc.createTask(NewTask.of("work")).id();
    String b = svc.createTask(NewTask.of("work").withDependsOn(List.of(a))).id();
    String doomed = svc.createTask(NewTask.of("work").withMaxAttempts(1)).id();
    String c = svc.createTask(NewTask.of("work").withDependsOn(List.of(doomed))).id();
    assertThat(svc.getTask(b).status()).isEqualTo(TaskStatus.WAITING);
    assertThat(svc.getTask(c).status()).isEqualTo(TaskStatus.WAITING);

    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(a, doomed);
    svc.completeTask(a, "w", svc.getTask(a).claimToken(), null);
    svc.failTask(doomed, "w", svc.getTask(doomed).claimToken(), "the build is red");

    // Dependents are settled off the caller's thread, as soon as their dependency finished.
    awaitStatus(b, TaskStatus.QUEUED);
    assertThat(svc.claimTasks("w", List.of("work"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(b);
    Task failed = svc.awaitTask(c, 10_000);
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("dependency_failed");
  }

  @Test
  void events_reach_watchers_and_wait_in_a_subscribers_inbox_until_acknowledged() throws Exception {
    start();
    svc.subscribe("alice", "build.*");
    Event done = svc.publish("build.done", null, "ci");
    svc.publish("test.done", null, "ci");
    Event started = svc.publish("build.started", null, "ci");

    assertThat(svc.awaitEvents(List.of("build.*"), 0, 100, 0))
        .extracting(Event::topic)
        .containsExactly("build.done", "build.started");
    assertThat(svc.awaitEvents(List.of(">"), done.seq(), 100, 0)).hasSize(2);
    assertThat(svc.inbox("alice", 100, 0).events())
        .extracting(Event::seq)
        .containsExactly(done.seq(), started.seq());

    assertThat(svc.ackEvents("alice", done.seq())).isEqualTo(done.seq());
    assertThat(svc.inbox("alice", 100, 0).events())
        .extracting(Event::seq)
        .containsExactly(started.seq());
    svc.ackEvents("alice", started.seq());
    svc.ackEvents("alice", done.seq()); // a cursor never moves back
    assertThat(svc.inbox("alice", 100, 0).events()).isEmpty();

    CompletableFuture<List<Event>> watching =
        CompletableFuture.supplyAsync(
            () -> svc.awaitEvents(List.of("deploy.*"), started.seq(), 10, 10_000));
    Event deployed = svc.publish("deploy.done", null, "ci");
    assertThat(watching.get(10, TimeUnit.SECONDS))
        .extracting(Event::seq)
        .containsExactly(deployed.seq());
  }

  @Test
  void locks_are_exclusive_or_shared_conflict_and_expire_by_their_ttl() {
    start("heartbeatInterval", "10s");
    Lock exclusive = svc.acquireLock("src/Main.java", "alice", MIN, false, 0);
    assertThat(exclusive.shared()).isFalse();
    assertThatThrownBy(() -> svc.acquireLock("src/Main.java", "bob", MIN, false, 0))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("held exclusively by alice");
    assertThatThrownBy(() -> svc.acquireLock("src/Main.java", "bob", MIN, true, 0))
        .isInstanceOf(ConflictException.class);

    svc.acquireLock("db/schema", "alice", 5 * MIN, true, 0);
    svc.acquireLock("db/schema", "bob", 5 * MIN, true, 0);
    assertThatThrownBy(() -> svc.acquireLock("db/schema", "carol", MIN, false, 0))
        .isInstanceOf(ConflictException.class);

    clock.step(Duration.ofSeconds(50));
    svc.heartbeat("alice");
    svc.heartbeat("bob");
    advance(Duration.ofSeconds(10)); // the exclusive lease ran out; the shared ones run on
    assertThat(svc.listLocks())
        .extracting(Lock::resource, Lock::holder)
        .containsExactly(tuple("db/schema", "alice"), tuple("db/schema", "bob"));
    assertThat(svc.acquireLock("src/Main.java", "bob", MIN, false, 0).holder()).isEqualTo("bob");
  }

  @Test
  void a_schedule_creates_exactly_one_task_per_slot() {
    start();
    svc.addSchedule(
        new ScheduleSpec(
            "tick", null, MIN, null, NewTask.of("review").withAssignedTo("alice"), null));
    for (int slot = 1; slot <= 3; slot++) {
      advance(Duration.ofMinutes(1));
      daemon.engine().housekeeper().tick(); // a second round in the same slot makes nothing
    }
    List<Task> made =
        svc.listTasks(new TaskQuery(null, "review", null, 100)).stream()
            .filter(t -> "schedule:tick".equals(t.createdBy()))
            .toList();
    assertThat(made).hasSize(3);
    assertThat(made).extracting(Task::idempotencyKey).doesNotHaveDuplicates();
  }

  @Test
  void a_paused_queue_is_not_claimed_and_a_capped_one_never_runs_more_than_its_cap() {
    start();
    svc.pauseQueue("build");
    svc.limitQueue("heavy", 2);
    for (int i = 0; i < 2; i++) {
      svc.createTask(NewTask.of("build"));
    }
    List<String> heavy = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      heavy.add(svc.createTask(NewTask.of("heavy")).id());
    }

    List<Task> claimed = svc.claimTasks("w", List.of("build", "heavy"), 10, 0, null);
    assertThat(claimed).extracting(Task::type).containsExactly("heavy", "heavy");
    QueueState heavyState =
        svc.listQueues().stream().filter(q -> q.type().equals("heavy")).findFirst().orElseThrow();
    assertThat(heavyState.running()).isEqualTo(2);
    assertThat(heavyState.queued()).isEqualTo(3);
    assertThat(heavyState.maxConcurrency()).isEqualTo(2);

    svc.completeTask(claimed.get(0).id(), "w", claimed.get(0).claimToken(), null);
    assertThat(svc.claimTasks("w", List.of("build", "heavy"), 10, 0, null)).hasSize(1);
    assertThat(svc.claimTasks("w", List.of("build", "heavy"), 10, 0, null)).isEmpty();

    assertThat(svc.resumeQueue("build").paused()).isFalse();
    assertThat(svc.claimTasks("w", List.of("build"), 10, 0, null)).hasSize(2);
  }

  @Test
  void a_claim_with_a_lease_past_the_default_is_not_reaped_for_a_stale_owner() {
    start("leaseDuration", "30s", "heartbeatInterval", "10s");
    String longOne = svc.createTask(NewTask.of("work").withAssignedTo("thinker")).id();
    String shortOne = svc.createTask(NewTask.of("work").withAssignedTo("quick")).id();
    svc.claimTasks("thinker", List.of(), 1, 0, 45 * MIN);
    svc.claimTasks("quick", List.of(), 1, 0, null);
    for (int i = 0; i < 5; i++) {
      advance(Duration.ofSeconds(10)); // nobody beats: both owners go stale after 30s
    }
    assertThat(svc.getTask(longOne).status()).isEqualTo(TaskStatus.RUNNING);
    Task back = svc.getTask(shortOne);
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.claimToken()).isNull();
    assertThat(back.runs().getLast().error().kind()).isIn("owner_stale", "lease_expired");
  }

  @Test
  void a_heartbeat_renews_each_task_by_its_own_lease() {
    start("leaseDuration", "30s", "heartbeatInterval", "1h");
    String longOne = svc.createTask(NewTask.of("work").withAssignedTo("w")).id();
    svc.claimTasks("w", List.of(), 1, 0, 45 * MIN);
    String shortOne = svc.createTask(NewTask.of("work").withAssignedTo("w")).id();
    svc.claimTasks("w", List.of(), 1, 0, null);
    advance(Duration.ofSeconds(20));
    svc.heartbeat("w");
    long now = clock.millis();
    assertThat(svc.getTask(longOne).leaseExpiresAt()).isEqualTo(now + 45 * MIN);
    assertThat(svc.getTask(shortOne).leaseExpiresAt()).isEqualTo(now + 30_000);
    Task renewed = svc.renewLease(longOne, "w", svc.getTask(longOne).claimToken());
    assertThat(renewed.leaseExpiresAt()).isEqualTo(now + 45 * MIN);
  }

  @Test
  void signing_off_hands_back_long_lease_claims_at_once() {
    start("leaseDuration", "30s");
    String id = svc.createTask(NewTask.of("work").withAssignedTo("session@1")).id();
    svc.claimTasks("session@1", List.of(), 1, 0, 45 * MIN);
    svc.signOff("session@1");
    Task back = svc.getTask(id);
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.claimToken()).isNull();
    assertThat(back.runs().getLast().error().kind()).isEqualTo("signed_off");
  }

  @Test
  void a_role_claim_takes_its_own_its_roles_and_unassigned_tasks_but_no_one_elses() {
    start();
    String mine = svc.createTask(NewTask.of("work").withAssignedTo("reviewer@a")).id();
    String role = svc.createTask(NewTask.of("work").withAssignedTo("reviewer")).id();
    String free = svc.createTask(NewTask.of("work")).id();
    String sibling = svc.createTask(NewTask.of("work").withAssignedTo("reviewer@b")).id();
    String other = svc.createTask(NewTask.of("work").withAssignedTo("tester")).id();
    List<Task> claimed = svc.claimTasks("reviewer@a", List.of("work"), 10, 0, null);
    assertThat(claimed).extracting(Task::id).containsExactlyInAnyOrder(mine, role, free);
    assertThat(claimed).extracting(Task::claimToken).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(svc.getTask(sibling).status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(svc.getTask(other).status()).isEqualTo(TaskStatus.QUEUED);
    // a plain name is a role of its own: it takes tasks assigned to it, not to its instances
    assertThat(svc.claimTasks("reviewer", List.of("none"), 10, 0, null)).isEmpty();
  }

  @Test
  void retention_deletes_old_finished_tasks_but_not_what_an_unfinished_task_depends_on() {
    start("retention.succeeded", "1d", "retention.failed", "3d");
    String done = svc.createTask(NewTask.of("work").withIdempotencyKey("once")).id();
    String failed = svc.createTask(NewTask.of("work").withMaxAttempts(1)).id();
    String upstream = svc.createTask(NewTask.of("work")).id();
    String downstream = svc.createTask(NewTask.of("work").withDependsOn(List.of(upstream))).id();
    for (Task t : svc.claimTasks("w", List.of("work"), 3, 0, null)) {
      if (t.id().equals(failed)) {
        svc.failTask(t.id(), "w", t.claimToken(), "red");
      } else {
        svc.completeTask(t.id(), "w", t.claimToken(), null);
      }
    }
    clock.step(Duration.ofDays(2));
    daemon.retention().runPass();
    assertThatThrownBy(() -> svc.getTask(done)).isInstanceOf(NotFoundException.class);
    assertThat(svc.getTask(failed).status()).isEqualTo(TaskStatus.FAILED); // 3d for failures
    assertThat(svc.getTask(upstream).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(svc.getTask(downstream).status()).isNotIn(TaskStatus.SUCCEEDED, TaskStatus.FAILED);
    // the key of a deleted task is free again: the same create makes a new task
    assertThat(svc.createTask(NewTask.of("work").withIdempotencyKey("once")).id())
        .isNotEqualTo(done);
    clock.step(Duration.ofDays(2));
    daemon.retention().runPass();
    assertThatThrownBy(() -> svc.getTask(failed)).isInstanceOf(NotFoundException.class);
  }
}
