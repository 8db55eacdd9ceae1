package dev.coordd.daemon.store;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throw-away measurement, not a test: N virtual-thread callers drive the real service for a few
 * seconds on SQLite and on PostgreSQL, counting creates per second and claim+complete pairs per
 * second. It asserts nothing and runs only when asked ({@code -Dcoordd.bench=true
 * -Dtest=WriterThroughputBench}); the numbers go to stdout. Callers and seconds: {@code
 * -Dbench.callers=64 -Dbench.seconds=5}.
 */
@EnabledIfSystemProperty(named = "coordd.bench", matches = "true")
class WriterThroughputBench {
  static final int CALLERS = Integer.getInteger("bench.callers", 64);
  static final int SECONDS = Integer.getInteger("bench.seconds", 5);

  @TempDir Path dir;

  @Test
  void sqlite() throws Exception {
    run(
        "sqlite",
        StoreSettings.sqlite(
            dir.resolve("bench.db"),
            StoreSettings.DEFAULT_SYNCHRONOUS,
            StoreSettings.DEFAULT_BUSY_TIMEOUT));
  }

  @Test
  void postgres() throws Exception {
    PostgresTestDatabase db = PostgresTestDatabase.create(WriterThroughputBench.class);
    try {
      run("postgres", StoreSettings.postgres(db.url(), 8));
    } finally {
      db.drop();
    }
  }

  private void run(String name, StoreSettings settings) throws Exception {
    DaemonConfig config =
        ConfigLoader.load(dir.resolve("home-" + name), Map.of(), Map.of("pollInterval", "1h"));
    try (Daemon daemon = Daemon.start(config, Clock.systemUTC(), settings)) {
      CoordinationService svc = daemon.service();
      svc.registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
      phase(name, "warm-up creates", 1, () -> svc.createTask(NewTask.of("work")));
      phase(name, "warm-up claim+complete", 1, () -> claimAndComplete(svc, "w"));
      phase(name, "creates", SECONDS, () -> svc.createTask(NewTask.of("work")));
      phase(name, "claim+complete", SECONDS, () -> claimAndComplete(svc, "w"));
    }
  }

  private static boolean claimAndComplete(CoordinationService svc, String agent) {
    List<Task> got = svc.claimTasks(agent, List.of("work"), 1, 0, null);
    if (got.isEmpty()) {
      svc.createTask(NewTask.of("work")); // keep the queue fed; not counted
      return false;
    }
    Task t = got.get(0);
    svc.completeTask(t.id(), agent, t.claimToken(), null);
    return true;
  }

  interface Step {
    Object run() throws SQLException;
  }

  private static void phase(String store, String what, int seconds, Step step) throws Exception {
    LongAdder done = new LongAdder();
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch go = new CountDownLatch(1);
    long began;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> callers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        callers.add(
            pool.submit(
                () -> {
                  go.await();
                  while (System.nanoTime() < until) {
                    if (!Boolean.FALSE.equals(step.run())) {
                      done.increment();
                    }
                  }
                  return null;
                }));
      }
      began = System.nanoTime();
      go.countDown();
      for (var f : callers) {
        f.get();
      }
    }
    double secs = (System.nanoTime() - began) / 1e9;
    System.out.printf(
        "BENCH %-8s %-24s %4d callers %8.0f /s (%d in %.1f s)%n",
        store, what, CALLERS, done.sum() / secs, done.sum(), secs);
  }
}
