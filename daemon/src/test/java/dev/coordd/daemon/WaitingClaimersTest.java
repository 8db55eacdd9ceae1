package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.daemon.notify.LocalNotifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claimers that wait for work (claimTasks with a wait) through the service, in process, on virtual
 * threads: a task wakes one waiter that can take it, and idle waiters never touch the store. A
 * waiter that writes shows it: every claim records its agent's heartbeat at the clock's time, so a
 * heartbeat that stays put after the clock moved is a waiter that did not write.
 */
class WaitingClaimersTest {
  static final long HOUR = Duration.ofHours(1).toMillis();

  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;
  LocalNotifier notifier;
  ExecutorService threads;
  final Map<String, CompletableFuture<List<Task>>> waiting = new HashMap<>();

  @BeforeEach
  void start() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    svc = f.service();
    notifier = (LocalNotifier) f.daemon.engine().notifier();
    threads = Executors.newVirtualThreadPerTaskExecutor();
    List<String> types = new ArrayList<>(List.of("build", "test", "deploy", "review", "quiet"));
    for (int i = 0; i < 10; i++) {
      types.add("type-" + i);
    }
    // a pool that lists the types, so creating them is allowed; it never claims
    svc.registerAgent(new AgentRegistration("worker-pool", "worker", types, null));
  }

  @AfterEach
  void stop() throws Exception {
    f.close(); // stopping ends every wait
    for (CompletableFuture<List<Task>> w : waiting.values()) {
      w.get(10, TimeUnit.SECONDS);
    }
    threads.close();
  }

  @Test
  void a_new_task_wakes_one_waiter_of_its_type_out_of_a_thousand_and_is_claimed_once()
      throws Exception {
    for (int i = 0; i < 1_000; i++) {
      waitFor("agent-" + i, "type-" + (i % 10));
    }
    awaitAllIdle();
    long wakeups = notifier.claimWakeups();
    f.clock.step(Duration.ofMinutes(1));

    String id = svc.createTask(NewTask.of("type-3")).id();

    String winner = awaitOneDone();
    assertThat(waiting.get(winner).get()).extracting(Task::id).containsExactly(id);
    assertThat(winner).as("a waiter for type-3").matches("agent-\\d*3");
    assertThat(notifier.claimWakeups() - wakeups).as("waiters woken").isEqualTo(1);
    assertThat(agentsThatWroteSince(f.clock.millis())).containsExactly(winner);
    assertThat(notifier.claimWaiters()).isEqualTo(999);
  }

  @Test
  void idle_waiters_write_nothing_over_many_housekeeping_rounds() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      waitFor("agent-" + i, "type-" + (i % 10));
    }
    awaitAllIdle();
    long wakeups = notifier.claimWakeups();
    long idleSince = f.clock.millis() + 1;

    for (int round = 0; round < 10; round++) {
      f.advance(Duration.ofSeconds(1));
    }

    assertThat(notifier.claimWakeups()).isEqualTo(wakeups);
    assertThat(agentsThatWroteSince(idleSince)).isEmpty();
    assertThat(waiting.values()).noneMatch(CompletableFuture::isDone);
  }

  @Test
  void a_delayed_task_wakes_a_waiter_of_its_type_when_it_comes_due_and_not_before()
      throws Exception {
    waitFor("builder", "build");
    waitFor("tester", "test");
    awaitAllIdle();
    long wakeups = notifier.claimWakeups();

    String id = svc.createTask(NewTask.of("build").withDelayMs(60_000)).id();
    f.advance(Duration.ofSeconds(30));
    assertThat(notifier.claimWakeups()).as("woken before it was due").isEqualTo(wakeups);

    f.advance(Duration.ofSeconds(31));
    assertThat(waiting.get("builder").get(10, TimeUnit.SECONDS))
        .extracting(Task::id)
        .containsExactly(id);
    assertThat(notifier.claimWakeups() - wakeups).isEqualTo(1);
    assertThat(waiting.get("tester")).isNotDone();
  }

  @Test
  void an_assigned_task_wakes_only_its_assignee() throws Exception {
    waitFor("alice", "review");
    waitFor("bob", "review");
    waitFor("carol", null); // any type, but not assigned to her
    awaitAllIdle();
    long wakeups = notifier.claimWakeups();

    String id = svc.createTask(NewTask.of("review").withAssignedTo("alice")).id();

    assertThat(waiting.get("alice").get(10, TimeUnit.SECONDS))
        .extracting(Task::id)
        .containsExactly(id);
    assertThat(notifier.claimWakeups() - wakeups).isEqualTo(1);
    assertThat(waiting.get("bob")).isNotDone();
    assertThat(waiting.get("carol")).isNotDone();
  }

  @Test
  void a_slot_freed_under_a_cap_wakes_a_waiter_of_that_type() throws Exception {
    svc.limitQueue("deploy", 1);
    String first = svc.createTask(NewTask.of("deploy")).id();
    String second = svc.createTask(NewTask.of("deploy")).id();
    assertThat(svc.claimTasks("one", List.of("deploy"), 5, 0, null))
        .extracting(Task::id)
        .containsExactly(first);
    waitFor("two", "deploy");
    awaitAllIdle();

    svc.completeTask(first, "one", svc.getTask(first).claimToken(), null);

    assertThat(waiting.get("two").get(10, TimeUnit.SECONDS))
        .extracting(Task::id)
        .containsExactly(second);
  }

  @Test
  void resuming_a_paused_queue_wakes_a_waiter_of_that_type() throws Exception {
    svc.pauseQueue("deploy");
    String id = svc.createTask(NewTask.of("deploy")).id();
    waitFor("deployer", "deploy");
    awaitAllIdle();

    svc.resumeQueue("deploy");

    assertThat(waiting.get("deployer").get(10, TimeUnit.SECONDS))
        .extracting(Task::id)
        .containsExactly(id);
  }

  @Test
  void waiting_claimers_take_a_flood_of_tasks_each_exactly_once_with_no_poll_to_rescue_them()
      throws Exception {
    int tasks = 2_000;
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    List<Future<?>> claimers = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      String agent = "claimer-" + c;
      // batch sizes of 1 to 3 and a mix of typed and any-type claimers: full claims hand on
      List<String> types = c % 4 == 0 ? List.of() : List.of("type-" + (c % 2));
      int max = 1 + c % 3;
      claimers.add(
          threads.submit(
              () -> {
                while (claimed.size() < tasks && !Thread.currentThread().isInterrupted()) {
                  for (Task t : svc.claimTasks(agent, types, max, HOUR, null)) {
                    if (!claimed.add(t.id())) {
                      duplicates.incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    List<Future<?>> creators = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int producer = p;
      creators.add(
          threads.submit(
              () -> {
                for (int i = 0; i < tasks / 4; i++) {
                  svc.createTask(NewTask.of("type-" + ((producer + i) % 2)));
                }
                return null;
              }));
    }
    for (Future<?> c : creators) {
      c.get(60, TimeUnit.SECONDS);
    }
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (claimed.size() < tasks && System.nanoTime() < until) {
      DaemonFixture.sleep(10);
    }
    assertThat(claimed).as("tasks claimed, each woken by a hand-off").hasSize(tasks);
    assertThat(duplicates).hasValue(0);
    claimers.forEach(c -> c.cancel(true)); // the rest wait for more; stopping ends them
  }

  /**
   * Not a speed test: the figure belongs in a benchmark. Asserted loosely, where the bug made 1,000
   * creates with 1,000 waiters take 100 times as long as without them.
   */
  @Test
  void creates_with_a_thousand_waiters_are_about_as_fast_as_without() throws Exception {
    long alone = timeCreates("quiet", 1_000);
    for (int i = 0; i < 1_000; i++) {
      waitFor("agent-" + i, "type-" + (i % 10));
    }
    awaitAllIdle();
    long othersWaiting = timeCreates("quiet", 1_000);
    long takenAsCreated = timeCreates("type-1", 100);
    System.out.printf(
        "1,000 creates: %d ms alone, %d ms with 1,000 waiters for other types;"
            + " 100 creates taken by 100 of the waiters: %d ms%n",
        alone, othersWaiting, takenAsCreated);
    assertThat(othersWaiting).isLessThan(Math.max(10 * alone, 20_000));
    for (int i = 1; i < 1_000; i += 10) {
      assertThat(waiting.get("agent-" + i).get(10, TimeUnit.SECONDS)).hasSize(1);
    }
  }

  private long timeCreates(String type, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      svc.createTask(NewTask.of(type));
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** Starts {@code agent} waiting up to an hour for one task of {@code type} (null: any type). */
  private void waitFor(String agent, String type) {
    List<String> types = type == null ? List.of() : List.of(type);
    waiting.put(
        agent,
        CompletableFuture.supplyAsync(() -> svc.claimTasks(agent, types, 1, HOUR, null), threads));
  }

  /**
   * Until every waiter is registered and its first claim committed (its agent exists): from then on
   * it writes only if woken.
   */
  private void awaitAllIdle() {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      long known = svc.listAgents().stream().filter(a -> waiting.containsKey(a.name())).count();
      if (known == waiting.size() && notifier.claimWaiters() == waiting.size()) {
        return;
      }
      DaemonFixture.sleep(10);
    }
    throw new AssertionError("waiters did not all start waiting within 30 s");
  }

  private String awaitOneDone() {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      List<String> done =
          waiting.entrySet().stream()
              .filter(e -> e.getValue().isDone())
              .map(Map.Entry::getKey)
              .toList();
      if (!done.isEmpty()) {
        assertThat(done).hasSize(1);
        return done.get(0);
      }
      DaemonFixture.sleep(5);
    }
    throw new AssertionError("no waiter was woken within 10 s");
  }

  private List<String> agentsThatWroteSince(long millis) {
    return svc.listAgents().stream()
        .filter(a -> waiting.containsKey(a.name()))
        .filter(a -> a.lastHeartbeat() >= millis)
        .map(Agent::name)
        .toList();
  }
}
