package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon runs in a child JVM and is killed with SIGKILL twenty times while four clients create
 * tasks over the socket and its workers run them. Nothing a client was told is lost, every task
 * ends, and no attempt's work is done twice (checked against a log each run appends to).
 */
@Tag("reliability")
class KillNineUnderLoadTest {
  static final int KILLS = 20;
  static final int CLIENTS = 4;

  /** Fast retries so recovered tasks run again within the test; enough attempts for every kill. */
  static final Map<String, String> SETTINGS =
      Map.of(
          "defaultMaxAttempts", "100",
          "retryBackoffBase", "10ms",
          "retryBackoffMax", "50ms",
          "pollInterval", "200ms");

  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void acknowledged_tasks_survive_twenty_kill_9s_and_each_completes_exactly_once()
      throws Exception {
    Path home = dir.resolve("home");
    Path log = dir.resolve("completions.log");
    Queue<String> acked = new ConcurrentLinkedQueue<>();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

    for (int cycle = 0; cycle < KILLS; cycle++) {
      Process child = startChild(home, log, cycle);
      AtomicBoolean killed = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      try {
        awaitUp(home, child, dir.resolve("child.out"));
        for (int c = 0; c < CLIENTS; c++) {
          String creator = "client-" + c;
          clients.add(
              Thread.ofPlatform()
                  .start(() -> createUntilKilled(home, creator, acked, killed, unexpected)));
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(200, 900));
      } finally {
        killed.set(true);
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no requeue, mid-commit
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child died").isTrue();
      }
      for (Thread t : clients) {
        assertThat(t.join(java.time.Duration.ofSeconds(30))).as("client ended").isTrue();
      }
      assertThat(unexpected).as("errors before the kill").isEmpty();
    }
    assertThat(acked).as("clients were acknowledged at all").hasSizeGreaterThan(KILLS * CLIENTS);

    Map<String, Task> finished = runToTheEnd(home, log, List.copyOf(acked));
    Map<String, Integer> done = CompletionLog.read(log);
    int interrupted = 0;
    for (String id : acked) {
      Task t = finished.get(id);
      assertThat(t.status())
          .as("task %s status (error %s)", id, t.error())
          .isEqualTo(TaskStatus.SUCCEEDED);
      List<TaskRun> runs = t.runs();
      assertThat(runs).as("every attempt of %s counted", id).hasSize(t.attempts());
      TaskRun last = runs.get(runs.size() - 1);
      assertThat(last.error()).as("the last run of %s succeeded", id).isNull();
      for (TaskRun r : runs.subList(0, runs.size() - 1)) {
        assertThat(r.error().kind())
            .as("an earlier run of %s ended by a kill", id)
            .isEqualTo("lease_expired");
        interrupted++;
      }
      // The successful attempt did its work exactly once; a killed one at most once (the kill may
      // land between the handler's append and the commit of its success).
      assertThat(done.get(id + " " + last.attempt()))
          .as("completions of %s attempt %d", id, last.attempt())
          .isEqualTo(1);
      for (int a = 1; a <= t.attempts(); a++) {
        assertThat(done.getOrDefault(id + " " + a, 0))
            .as("runs of %s attempt %d", id, a)
            .isLessThanOrEqualTo(1);
      }
      for (int a = t.attempts() + 1; a <= t.attempts() + 3; a++) {
        assertThat(done).as("no uncounted attempt of %s", id).doesNotContainKey(id + " " + a);
      }
    }
    assertThat(interrupted).as("some kills landed while tasks ran").isPositive();
  }

  private Process startChild(Path home, Path log, int cycle) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                // a quick start matters more than peak speed: the test starts twenty of these
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ChildDaemonMain.class.getName(),
                home.toString(),
                log.toString()));
    SETTINGS.forEach((k, v) -> cmd.add(k + "=" + v));
    return new ProcessBuilder(cmd)
        .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("child.out").toFile()))
        .redirectError(dir.resolve("child-" + (cycle % 2) + ".err").toFile())
        .start();
  }

  /** Until the child printed UP: its handler is registered, so creates of its type are valid. */
  static void awaitUp(Path home, Process child, Path out) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      assertThat(child.isAlive()).as("the child daemon runs").isTrue();
      if (Files.exists(out) && Files.readString(out).contains("UP")) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child daemon did not come up within 60 s");
  }

  private static void createUntilKilled(
      Path home, String creator, Queue<String> acked, AtomicBoolean killed, Queue<Throwable> bad) {
    try (CoorddClient client = CoorddClient.connect(home)) {
      while (!killed.get()) {
        acked.add(client.createTask(NewTask.of(CompletionLog.TYPE).withCreatedBy(creator)).id());
      }
    } catch (RuntimeException e) {
      if (!killed.get()) {
        bad.add(e);
      }
    }
  }

  /**
   * A last daemon, in-process, runs whatever the kills left; returns every acked task at its end.
   */
  private static Map<String, Task> runToTheEnd(Path home, Path log, List<String> ids)
      throws InterruptedException {
    Map<String, Task> finished = new HashMap<>();
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), SETTINGS))) {
      daemon.registerHandler(CompletionLog.TYPE, CompletionLog.handler(log));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      List<String> open = new ArrayList<>(ids);
      while (!open.isEmpty() && System.nanoTime() < until) {
        List<String> still = new ArrayList<>();
        for (String id : open) {
          Task t = daemon.service().getTask(id); // throws NotFound if an acked task was lost
          if (t.status().isTerminal()) {
            finished.put(id, t);
          } else {
            still.add(id);
          }
        }
        open = still;
        if (!open.isEmpty()) {
          Thread.sleep(50);
        }
      }
      assertThat(open).as("acked tasks still not terminal after 90 s").isEmpty();
    }
    return finished;
  }
}
