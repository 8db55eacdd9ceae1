package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.reliability.ClusterTrio.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemons, each in a JVM of its own, on one PostgreSQL schema ({@link ClusterTrio}): the
 * cluster as an operator runs it on three machines. Starting three JVMs costs tens of seconds on a
 * loaded machine, so the tests that leave every member alive share one trio ({@link OneTrio}, each
 * on task types of its own), and only the {@code kill -9} tests ({@link KillNine}) start their own.
 * Each run appends to its type's completion log ({@link CompletionLog}), so the tests count how
 * often each attempt really ran, besides what the store says.
 */
@Tag("cluster")
class ClusterProcessesTest {
  /** A bound for something that must happen; failing it means it did not happen. */
  static final Duration SOON = Duration.ofSeconds(30);

  static boolean eventually(Duration bound, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  /** Creates {@code perMember} tasks on each member at once, one client each; their ids. */
  static List<String> createOnEach(List<Member> members, int perMember, NewTask task)
      throws Exception {
    List<CompletableFuture<List<String>>> parts = new ArrayList<>();
    for (Member m : members) {
      parts.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<String> ids = new ArrayList<>(perMember);
                try (CoorddClient client = m.client()) {
                  for (int i = 0; i < perMember; i++) {
                    ids.add(client.createTask(task.withCreatedBy(m.name())).id());
                  }
                }
                return ids;
              }));
    }
    List<String> all = new ArrayList<>();
    for (CompletableFuture<List<String>> p : parts) {
      all.addAll(p.get(120, TimeUnit.SECONDS));
    }
    return all;
  }

  static void awaitAllSucceeded(ClusterTrio trio, String type, Duration bound) throws Exception {
    assertThat(eventually(bound, () -> trio.open(type) == 0))
        .as("every %s task succeeded within %s: %s", type, bound, trio.progress(type))
        .isTrue();
  }

  static JsonNode work(int maxWorkMs) {
    return JsonNodeFactory.instance.objectNode().put(CompletionLog.WORK_FIELD, maxWorkMs);
  }

  /** The tests that leave every member alive, on one trio started once, in this order. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class OneTrio {
    /** The figure: tasks created across the three, each run exactly once. */
    static final int TASKS = 10_000;

    /**
     * Clients per daemon, each on a connection of its own: a daemon answers one connection's
     * requests in turn (only long waits run beside them), so pipelining on one connection would not
     * put more creates into a commit; more connections do.
     */
    static final int CLIENTS_PER_DAEMON = 8;

    /** Generous on a loaded machine; failing them prints where every task stands. */
    static final Duration CREATES_BOUND = Duration.ofMinutes(6);

    static final Duration RUNS_BOUND = Duration.ofMinutes(6);

    ClusterTrio trio;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
      // An hour's safety poll: whatever wakes a daemon here is a notification.
      // The default lease: nobody is killed here, so no task should be taken back from a live
      // daemon whose heartbeat lags on a loaded machine (see ClusterTrio.SHORT_LEASE).
      trio =
          ClusterTrio.start(
              OneTrio.class, dir, Map.of("pollInterval", "1h"), "once", "tick", "acked");
    }

    @AfterAll
    void stop() throws Exception {
      if (trio != null) {
        trio.close();
      }
    }

    @Test
    @Order(1)
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void a_caller_waiting_on_one_daemon_is_woken_by_a_finish_on_another() throws Exception {
      try (CoorddClient a = trio.member(0).client();
          CoorddClient b = trio.member(1).client()) {
        Task t = a.createTask(NewTask.of("wake").withAssignedTo("outsider"));
        CompletableFuture<Task> waited =
            CompletableFuture.supplyAsync(() -> b.awaitTask(t.id(), 60_000L));
        Thread.sleep(500); // b's caller is waiting
        assertThat(waited).isNotDone();
        List<Task> claimed = a.claimTasks("outsider", List.of("wake"), 1, 0, 60_000L);
        assertThat(claimed).extracting(Task::id).containsExactly(t.id());
        long finishedAt = System.nanoTime();
        a.completeTask(
            t.id(), "outsider", claimed.get(0).claimToken(), JsonNodeFactory.instance.objectNode());
        Task seen = waited.get(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - finishedAt);
        assertThat(seen.status()).isEqualTo(TaskStatus.SUCCEEDED);
        System.out.printf(
            "cross-daemon wake: a waiter on b saw the finish on a after %.1f ms"
                + " (safety poll 1 h)%n",
            took.toNanos() / 1e6);
        // loosely: far under the hour's poll; the figure itself belongs in a benchmark
        assertThat(took).isLessThan(Duration.ofSeconds(5));
      }
    }

    @Test
    @Order(2)
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void a_schedule_fires_once_per_slot_with_three_daemons() throws Exception {
      String bySchedule = "SELECT COUNT(*) FROM tasks WHERE created_by = 'schedule:every-second'";
      try (CoorddClient client = trio.member(1).client()) {
        client.addSchedule(
            new ScheduleSpec("every-second", null, 1_000L, "UTC", NewTask.of("tick"), "skip"));
        assertThat(eventually(SOON, () -> trio.count(bySchedule) >= 6))
            .as("six slots fired: %s", trio.progress("tick"))
            .isTrue();
        client.removeSchedule("every-second");
      }
      awaitAllSucceeded(trio, "tick", SOON);
      List<Long> slots = new ArrayList<>();
      for (String key :
          trio.strings(
              "SELECT idempotency_key FROM tasks WHERE created_by = 'schedule:every-second'"
                  + " ORDER BY idempotency_key")) {
        slots.add(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
      }
      assertThat(new HashSet<>(slots)).as("one task per slot").hasSize(slots.size());
      for (long slot : slots) {
        assertThat((slot - slots.get(0)) % 1_000)
            .as("slot %d on the schedule's grid", slot)
            .isZero();
      }
      Map<String, Integer> done = CompletionLog.read(trio.log("tick"));
      for (String id :
          trio.strings("SELECT id FROM tasks WHERE created_by = 'schedule:every-second'")) {
        assertThat(done.get(id + " 1")).as("runs of %s", id).isEqualTo(1);
      }
      assertThat(done).as("nothing else ran").hasSize(slots.size());
    }

    @Test
    @Order(3)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void ten_thousand_tasks_created_across_three_daemons_each_run_exactly_once() throws Exception {
      String type = "once";
      Map<String, AtomicInteger> acked = new TreeMap<>();
      trio.members.forEach(m -> acked.put(m.name(), new AtomicInteger()));
      Queue<String> ids = new ConcurrentLinkedQueue<>();
      int clients = 3 * CLIENTS_PER_DAEMON;
      long start = System.nanoTime();
      List<CompletableFuture<Void>> parts = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        for (int i = 0; i < clients; i++) {
          Member m = trio.member(i % 3);
          int share = TASKS / clients + (i < TASKS % clients ? 1 : 0);
          parts.add(
              CompletableFuture.runAsync(
                  () -> {
                    try (CoorddClient client = m.client()) {
                      for (int n = 0; n < share && !Thread.currentThread().isInterrupted(); n++) {
                        ids.add(client.createTask(NewTask.of(type).withCreatedBy(m.name())).id());
                        acked.get(m.name()).incrementAndGet();
                      }
                    }
                  },
                  pool));
        }
        Supplier<String> where = () -> "creates acknowledged " + acked + "; " + trio.progress(type);
        awaitCreates(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)), where);
      } finally {
        pool.shutdownNow(); // a client still waiting after a failure is interrupted, not awaited
      }
      double createdIn = (System.nanoTime() - start) / 1e9;
      awaitRuns(type, RUNS_BOUND);
      double doneIn = (System.nanoTime() - start) / 1e9;
      Map<String, Long> byWorker =
          trio.counts(
              "SELECT r.worker, COUNT(*) FROM task_runs r JOIN tasks t ON t.id = r.task_id"
                  + " WHERE t.type = ? GROUP BY r.worker",
              type);
      System.out.printf(
          "%d tasks over %d clients: created in %.1f s (%.0f/s), all run in %.1f s (%.0f/s);"
              + " creates by daemon %s, runs by daemon %s%n",
          TASKS, clients, createdIn, TASKS / createdIn, doneIn, TASKS / doneIn, acked, byWorker);

      // the acknowledged creates are the store's tasks of the type, each once
      assertThat(ids).hasSize(TASKS).doesNotHaveDuplicates();
      assertThat(new HashSet<>(trio.strings("SELECT id FROM tasks WHERE type = ?", type)))
          .isEqualTo(new HashSet<>(ids));
      // the store: each succeeded at its first attempt, with one run recorded
      assertThat(trio.counts("SELECT status, COUNT(*) FROM tasks WHERE type = ? GROUP BY 1", type))
          .isEqualTo(Map.of("succeeded", (long) TASKS));
      assertThat(trio.count("SELECT COUNT(*) FROM tasks WHERE type = ? AND attempts <> 1", type))
          .as(
              "tasks run more than once by the store's count: %s",
              trio.runs(type, "t.attempts <> 1"))
          .isZero();
      assertThat(
              trio.counts(
                  "SELECT r.outcome || ' ' || r.attempt, COUNT(*) FROM task_runs r"
                      + " JOIN tasks t ON t.id = r.task_id WHERE t.type = ? GROUP BY 1",
                  type))
          .isEqualTo(Map.of("succeeded 1", (long) TASKS));
      // the work itself: each task's one attempt ran once, and nothing else ran
      Map<String, Integer> done = CompletionLog.read(trio.log(type));
      for (String id : ids) {
        assertThat(done.get(id + " 1")).as("runs of %s", id).isEqualTo(1);
      }
      assertThat(done).hasSize(TASKS);
      // and the three shared both sides of the work
      for (Member m : trio.members) {
        assertThat(acked.get(m.name()).get()).as("creates on %s", m.name()).isPositive();
        assertThat(byWorker.getOrDefault(m.name(), 0L)).as("runs on %s", m.name()).isPositive();
      }
    }

    /** Waits for every create, saying how far they got every 15 s and failing past the bound. */
    private void awaitCreates(CompletableFuture<Void> all, Supplier<String> where)
        throws Exception {
      long end = System.nanoTime() + CREATES_BOUND.toNanos();
      while (true) {
        try {
          all.get(15, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          throw new AssertionError(
              "a client's create failed: " + e.getCause() + "; " + where.get(), e);
        } catch (TimeoutException e) {
          if (System.nanoTime() > end) {
            throw new AssertionError(
                "creates not all acknowledged within " + CREATES_BOUND + ": " + where.get());
          }
          System.out.println("creating: " + where.get());
        }
      }
    }

    /** Waits until every task of {@code type} succeeded, with progress every 15 s. */
    private void awaitRuns(String type, Duration bound) throws Exception {
      long end = System.nanoTime() + bound.toNanos();
      long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (trio.open(type) > 0) {
        if (System.nanoTime() > end) {
          throw new AssertionError(
              "tasks of " + type + " not all run within " + bound + ": " + trio.progress(type));
        }
        if (System.nanoTime() > nextReport) {
          System.out.println("running: " + trio.progress(type));
          nextReport += TimeUnit.SECONDS.toNanos(15);
        }
        Thread.sleep(100);
      }
    }

    /** Last: it breaks every connection the daemons hold. */
    @Test
    @Order(4)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void acknowledged_creates_survive_database_sessions_killed_under_load() throws Exception {
      String type = "acked";
      Queue<String> ackedIds = new ConcurrentLinkedQueue<>();
      Queue<String> refused = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (Member m : trio.members) {
        clients.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (CoorddClient client = m.client()) {
                        // as a careful caller does: a create whose fate is unknown is sent again
                        // under the same idempotency key until it is acknowledged
                        for (int n = 0; !stop.get(); n++) {
                          NewTask task =
                              NewTask.of(type)
                                  .withData(work(15))
                                  .withCreatedBy(m.name())
                                  .withIdempotencyKey(m.name() + "-" + n);
                          for (int tries = 0; ; tries++) {
                            try {
                              ackedIds.add(client.createTask(task).id());
                              break;
                            } catch (RuntimeException e) {
                              refused.add(m.name() + ": " + e.getMessage());
                              if (tries == 20) {
                                throw e;
                              }
                            }
                          }
                        }
                      }
                    }));
      }
      // the kills land under load: every daemon has acknowledged creates already
      assertThat(eventually(SOON, () -> ackedIds.size() >= 60)).as("creates under way").isTrue();
      int killed = 0;
      int ackedBefore = ackedIds.size();
      for (int round = 0; round < 5; round++) {
        killed += trio.terminateDaemonSessions();
        Thread.sleep(1_000);
      }
      int ackedDuring = ackedIds.size() - ackedBefore;
      stop.set(true);
      for (Thread t : clients) {
        assertThat(t.join(Duration.ofSeconds(60))).as("client ended").isTrue();
      }
      assertThat(killed).as("sessions killed").isPositive();
      // every daemon serves again after the kills
      ackedIds.addAll(createOnEach(trio.members, 5, NewTask.of(type)));
      awaitAllSucceeded(trio, type, Duration.ofSeconds(90));
      Map<String, Integer> done = CompletionLog.read(trio.log(type));
      Map<String, Long> attempts =
          trio.counts("SELECT id, MAX(attempts) FROM tasks WHERE type = ? GROUP BY id", type);
      Set<String> unique = new HashSet<>(ackedIds);
      for (String id : unique) {
        assertThat(attempts).as("acknowledged %s kept", id).containsKey(id);
        long n = attempts.get(id);
        assertThat(done.get(id + " " + n)).as("the last attempt of %s ran once", id).isEqualTo(1);
        for (int a = 1; a < n; a++) {
          assertThat(done.getOrDefault(id + " " + a, 0)).isLessThanOrEqualTo(1);
        }
      }
      assertThat(
              trio.count(
                  "SELECT COUNT(*) FROM task_runs r JOIN tasks t ON t.id = r.task_id"
                      + " WHERE t.type = ?",
                  type))
          .isGreaterThanOrEqualTo(unique.size());
      // a create sent again after an unknown outcome made no second task
      assertThat(
              trio.count(
                  "SELECT COUNT(*) FROM tasks WHERE type = ? AND idempotency_key IS NOT NULL",
                  type))
          .isEqualTo(unique.size() - 3 * 5);
      System.out.printf(
          "%d acknowledged creates (%d while sessions were killed), %d refused, %d sessions"
              + " killed%n",
          unique.size(), ackedDuring, refused.size(), killed);
      refused.stream().limit(3).forEach(r -> System.out.println("refused: " + r));
    }
  }

  /** A member killed with SIGKILL mid-run; each test on a trio (and a schema) of its own. */
  @Nested
  class KillNine {
    @TempDir Path dir;

    private ClusterTrio start() throws Exception {
      Map<String, String> settings = new HashMap<>(ClusterTrio.SHORT_LEASE);
      settings.put("pollInterval", "1h");
      return ClusterTrio.start(KillNine.class, dir, settings, CompletionLog.TYPE);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void a_daemon_killed_mid_run_has_its_tasks_finished_by_the_others_after_the_lease()
        throws Exception {
      try (ClusterTrio trio = start()) {
        killMidRun(trio, trio.member(2)); // not the leader
      }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void the_leader_killed_mid_run_is_followed_by_a_new_leader_that_reaps_its_tasks()
        throws Exception {
      try (ClusterTrio trio = start()) {
        long before = trio.leaderPid();
        assertThat(before).as("someone leads").isPositive();
        killMidRun(trio, trio.member(0)); // the first to start leads
        // the reaping above was done by a new leader; its lock is held on another session
        assertThat(trio.leaderPid()).isPositive().isNotEqualTo(before);
      }
    }

    private void killMidRun(ClusterTrio trio, Member victim) throws Exception {
      String type = CompletionLog.TYPE;
      // created through the survivors, while the victim takes its share of the work
      List<Member> survivors = trio.members.stream().filter(m -> m != victim).toList();
      CompletableFuture<List<String>> created =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return createOnEach(survivors, 150, NewTask.of(type).withData(work(3_000)));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String heldSql = "SELECT id FROM tasks WHERE status = 'running' AND lease_owner = ?";
      assertThat(eventually(SOON, () -> !trio.strings(heldSql, victim.name()).isEmpty()))
          .as("%s runs tasks: %s", victim.name(), trio.progress(type))
          .isTrue();
      victim.process().destroyForcibly().waitFor(); // SIGKILL: no requeue, no sign-off, no unlock
      Set<String> held = new HashSet<>(trio.strings(heldSql, victim.name()));
      assertThat(held).as("tasks %s held when it died", victim.name()).isNotEmpty();
      List<String> ids = created.get(120, TimeUnit.SECONDS);
      awaitAllSucceeded(trio, type, Duration.ofSeconds(60));
      Member survivor = survivors.get(0);
      int rerun = 0;
      Map<String, Integer> done = CompletionLog.read(trio.log(type));
      try (CoorddClient client = survivor.client()) {
        for (String id : ids) {
          Task t = client.getTask(id);
          assertThat(t.status()).isEqualTo(TaskStatus.SUCCEEDED);
          List<TaskRun> runs = t.runs();
          assertThat(runs).as("every attempt of %s counted", id).hasSize(t.attempts());
          TaskRun last = runs.get(runs.size() - 1);
          assertThat(last.error()).as("the last run of %s succeeded", id).isNull();
          if (runs.size() > 1) {
            assertThat(last.worker()).as("the rerun of %s", id).isNotEqualTo(victim.name());
          }
          for (TaskRun r : runs.subList(0, runs.size() - 1)) {
            // taken back either when its lease lapsed or when its daemon missed its heartbeats
            assertThat(r.error().kind())
                .as("earlier run of %s", id)
                .isIn("lease_expired", "owner_stale");
            assertThat(r.worker()).isEqualTo(victim.name());
            rerun++;
          }
          assertThat(done.get(id + " " + last.attempt()))
              .as("completions of %s attempt %d", id, last.attempt())
              .isEqualTo(1);
          for (int a = 1; a <= t.attempts() + 2; a++) {
            assertThat(done.getOrDefault(id + " " + a, 0))
                .as("runs of %s attempt %d", id, a)
                .isLessThanOrEqualTo(a <= t.attempts() ? 1 : 0);
          }
        }
        assertThat(rerun).as("tasks the killed daemon held were run again").isPositive();
        for (String id : held) {
          Task t = client.getTask(id);
          assertThat(t.attempts())
              .as("attempts of %s, held by the dead daemon", id)
              .isGreaterThan(1);
          assertThat(t.runs().get(0).worker()).isEqualTo(victim.name());
        }
      }
    }
  }
}
