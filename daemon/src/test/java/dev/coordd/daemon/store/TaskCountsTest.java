package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.QueueState;
import dev.coordd.api.Stats;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.SettableClock;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task counts the store's triggers keep (V11) against a real COUNT(*) of the rows, after every
 * kind of change a task goes through, on the store a subclass names. Stats, the metrics gauges and
 * the queue list read those counts, so a drift here is a wrong number everywhere.
 */
abstract class TaskCountsTest {
  @TempDir Path dir;
  final SettableClock clock = SettableClock.atSomeMoment();
  Daemon daemon;

  abstract StoreSettings storeSettings(Path dir);

  void start(String... kv) {
    Map<String, String> settings = new HashMap<>();
    settings.put("pollInterval", "1h");
    for (int i = 0; i < kv.length; i += 2) {
      settings.put(kv[i], kv[i + 1]);
    }
    DaemonConfig config = ConfigLoader.load(dir.resolve("home"), Map.of(), settings);
    daemon = Daemon.start(config, clock, storeSettings(dir));
    daemon
        .service()
        .registerAgent(new AgentRegistration("w", "worker", List.of("work", "build"), null));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** The rows counted the slow way, by status and by (type, status). */
  static Map<String, Long> counted(Store store) {
    return store.read(
        tx -> {
          Map<String, Long> out = new TreeMap<>();
          tx.query(
              "SELECT status, type, COUNT(*) FROM tasks GROUP BY status, type",
              rs -> {
                out.merge(rs.getString(1), rs.getLong(3), Long::sum);
                out.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
                return null;
              });
          return out;
        });
  }

  /** The same, from the kept counts (zero counts left out, as a COUNT(*) leaves them out). */
  static Map<String, Long> kept(Store store) {
    Map<TaskStatus, Long> byStatus = store.read(new TaskStore(store.sql())::countByStatus);
    Map<String, Long> out = new TreeMap<>();
    byStatus.forEach(
        (s, n) -> {
          if (n != 0) {
            out.put(s.wire(), n);
          }
        });
    store.read(
        tx ->
            tx.query(
                "SELECT status, type, SUM(n) FROM task_counts_now GROUP BY status, type"
                    + " HAVING SUM(n) <> 0",
                rs -> out.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3))));
    return out;
  }

  void assertExact(String after) {
    Store store = daemon.engine().store();
    Map<String, Long> counted = counted(store);
    assertThat(kept(store)).as("kept counts after %s", after).isEqualTo(counted);
    Stats.Coordination c = daemon.service().stats().coordination();
    assertThat(
            List.of(
                c.queuedTasks(),
                c.activeTasks(),
                c.waitingTasks(),
                c.completedTasks(),
                c.failedTasks(),
                c.cancelledTasks()))
        .as("stats after %s", after)
        .containsExactly(
            counted.getOrDefault("queued", 0L),
            counted.getOrDefault("running", 0L),
            counted.getOrDefault("waiting", 0L),
            counted.getOrDefault("succeeded", 0L),
            counted.getOrDefault("failed", 0L),
            counted.getOrDefault("cancelled", 0L));
    for (QueueState q : daemon.service().listQueues()) {
      assertThat(List.of(q.queued(), q.running()))
          .as("queue %s after %s", q.type(), after)
          .containsExactly(
              counted.getOrDefault("queued/" + q.type(), 0L),
              counted.getOrDefault("running/" + q.type(), 0L));
    }
  }

  /** Waits (real time, bounded) for what the engine does on its own threads. */
  void awaitStatus(String id, TaskStatus status) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (daemon.service().getTask(id).status() != status && System.nanoTime() < until) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(daemon.service().getTask(id).status()).as("status of %s", id).isEqualTo(status);
  }

  @Test
  void counts_equal_the_rows_through_every_change_a_task_goes_through() {
    start("retention.succeeded", "1d", "retention.failed", "1d");
    var svc = daemon.service();
    assertExact("nothing");

    for (int i = 0; i < 20; i++) {
      svc.createTask(NewTask.of(i % 2 == 0 ? "work" : "build"));
    }
    assertExact("creates");

    List<Task> claimed = svc.claimTasks("w", List.of("work", "build"), 8, 0, null);
    assertThat(claimed).hasSize(8);
    assertExact("claims");

    svc.completeTask(claimed.get(0).id(), "w", claimed.get(0).claimToken(), null);
    svc.completeTask(claimed.get(1).id(), "w", claimed.get(1).claimToken(), null);
    assertExact("completions");

    // a failure with attempts left goes back to the queue; one without ends failed
    svc.failTask(claimed.get(2).id(), "w", claimed.get(2).claimToken(), "boom");
    Task once = svc.createTask(NewTask.of("work").withMaxAttempts(1));
    Task onceClaimed =
        svc.claimTasks("w", List.of("work"), 20, 0, null).stream()
            .filter(t -> t.id().equals(once.id()))
            .findFirst()
            .orElseThrow();
    svc.failTask(once.id(), "w", onceClaimed.claimToken(), "boom");
    assertExact("failures");

    svc.retryTask(once.id());
    assertExact("a retry");

    Task blocker = svc.createTask(NewTask.of("build").withAssignedTo("nobody"));
    Task doomed = svc.createTask(NewTask.of("build").withDependsOn(List.of(blocker.id())));
    Task upstream = svc.createTask(NewTask.of("work").withAssignedTo("w"));
    Task downstream = svc.createTask(NewTask.of("build").withDependsOn(List.of(upstream.id())));
    assertThat(doomed.status()).isEqualTo(TaskStatus.WAITING);
    assertExact("waits on dependencies");

    svc.cancelTask(blocker.id()); // its dependent fails with it
    svc.cancelTask(claimed.get(3).id());
    awaitStatus(doomed.id(), TaskStatus.FAILED);
    assertExact("cancels");
    Task up =
        svc.claimTasks("w", List.of(), 50, 0, null).stream()
            .filter(t -> t.id().equals(upstream.id()))
            .findFirst()
            .orElseThrow();
    svc.completeTask(up.id(), "w", up.claimToken(), null);
    awaitStatus(downstream.id(), TaskStatus.QUEUED);
    assertExact("a dependency release");

    // every running lease runs out: the housekeeper puts them back in the queue
    long running = daemon.service().stats().coordination().activeTasks();
    assertThat(running).isPositive();
    clock.step(Duration.ofHours(2));
    daemon.engine().housekeeper().tick();
    assertThat(daemon.service().stats().coordination().activeTasks()).isLessThan(running);
    assertExact("expired leases");

    clock.step(Duration.ofDays(3));
    assertThat(daemon.retention().runPass().tasks()).as("tasks retention deleted").isPositive();
    assertExact("retention deletes");
  }
}
