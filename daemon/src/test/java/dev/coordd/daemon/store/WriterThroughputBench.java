package dev.coordd.daemon.store;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * The store alone on SQLite: a group of creates as the cached one-row insert in a loop (what the
   * writer does there) against one multi-row INSERT … VALUES per group, committed by the writer.
   */
  @Test
  void sqliteLoopVersusMultiRowInsert() {
    try (Store store =
        StoreFactory.open(
            StoreSettings.sqlite(
                dir.resolve("rows.db"),
                StoreSettings.DEFAULT_SYNCHRONOUS,
                StoreSettings.DEFAULT_BUSY_TIMEOUT))) {
      String one = store.sql().tasks().insertTask();
      int cut = one.indexOf("VALUES (") + "VALUES ".length();
      String tuple = one.substring(cut, one.indexOf(')', cut) + 1);
      for (int group : new int[] {10, 100, 500}) {
        StringBuilder many = new StringBuilder(one.substring(0, cut));
        for (int i = 0; i < group; i++) {
          many.append(i == 0 ? "" : ", ").append(tuple);
        }
        String multi = many + " ON CONFLICT DO NOTHING";
        for (int pass = 0; pass < 3; pass++) {
          long[] n = {0};
          long loop =
              timed(
                  () ->
                      (long)
                          store
                              .writer()
                              .execute(
                                  tx -> {
                                    long began = System.nanoTime();
                                    for (int i = 0; i < group; i++) {
                                      tx.update(one, args(n[0]++));
                                    }
                                    return System.nanoTime() - began;
                                  }));
          long rows =
              timed(
                  () ->
                      (long)
                          store
                              .writer()
                              .execute(
                                  tx -> {
                                    long began = System.nanoTime();
                                    List<Object> all = new ArrayList<>();
                                    for (int i = 0; i < group; i++) {
                                      all.addAll(List.of(args(n[0]++)));
                                    }
                                    tx.update(multi, all.toArray());
                                    return System.nanoTime() - began;
                                  }));
          System.out.printf(
              "BENCH sqlite   group of %3d: loop %6.0f µs, multi-row %6.0f µs%n",
              group, loop / 1e3, rows / 1e3);
        }
      }
    }
  }

  /** The fastest of 20 runs of the statements, inside their transaction (no commit counted). */
  private static long timed(java.util.function.LongSupplier inTransaction) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      best = Math.min(best, inTransaction.getAsLong());
    }
    return best;
  }

  private static Object[] args(long i) {
    return new Object[] {
      "row-" + i + "-" + System.nanoTime(),
      "work",
      "",
      "{}",
      "queued",
      0,
      Tx.text(null),
      Tx.text(null),
      i,
      3,
      3,
      Tx.bigint(null),
      Tx.text(null),
      i,
      Tx.text(null)
    };
  }

  private void run(String name, StoreSettings settings) throws Exception {
    DaemonConfig config =
        ConfigLoader.load(dir.resolve("home-" + name), Map.of(), Map.of("pollInterval", "1h"));
    try (Daemon daemon = Daemon.start(config, Clock.systemUTC(), settings)) {
      CoordinationService svc = daemon.service();
      svc.registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
      phase(name, "warm-up creates", 1, () -> svc.createTask(NewTask.of("work")));
      phase(name, "warm-up claim+complete", 1, () -> claimAndComplete(svc, "w"));
      // The same queue for both builds compared: a claim's cost grows with the queue, and the
      // creates phase leaves as many tasks as it managed to create.
      AtomicInteger prefill = new AtomicInteger(PREFILL);
      phase(
          name,
          "prefill " + PREFILL + " (untimed)",
          60,
          () -> prefill.getAndDecrement() > 0 ? svc.createTask(NewTask.of("work")) : STOP);
      phase(name, "claim+complete", SECONDS, () -> claimAndComplete(svc, "w"));
      phase(name, "creates", SECONDS, () -> svc.createTask(NewTask.of("work")));
      // Claims are not batched and interleave with the completions above, so time renewals and
      // completions alone too: each caller claims its tasks before the clock starts.
      List<Deque<Task>> held = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<List<Task>>> setups = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
          setups.add(
              pool.submit(
                  () -> {
                    for (int k = 0; k < HELD; k++) {
                      svc.createTask(NewTask.of("work"));
                    }
                    return svc.claimTasks("w", List.of("work"), HELD, 0, null);
                  }));
        }
        for (var f : setups) {
          held.add(new ConcurrentLinkedDeque<>(f.get()));
        }
      }
      AtomicInteger next = new AtomicInteger();
      ThreadLocal<Deque<Task>> mine =
          ThreadLocal.withInitial(() -> held.get(next.getAndIncrement() % CALLERS));
      phase(
          name,
          "renewals (held tasks)",
          SECONDS,
          () -> {
            Deque<Task> q = mine.get();
            Task t = q.pollFirst();
            if (t == null) {
              Thread.sleep(1);
              return false;
            }
            svc.renewLease(t.id(), "w", t.claimToken());
            q.addLast(t);
            return true;
          });
      phase(
          name,
          "completions (held)",
          SECONDS,
          () -> {
            Task t = mine.get().pollFirst();
            if (t == null) {
              return STOP; // this caller's tasks are done; the rate is over the time they took
            }
            svc.completeTask(t.id(), "w", t.claimToken(), null);
            return true;
          });
    }
  }

  static final int HELD = Integer.getInteger("bench.held", 100);

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

  private static final Object STOP = new Object();
  static final int PREFILL = Integer.getInteger("bench.prefill", 2_000);

  interface Step {
    Object run() throws Exception;
  }

  private static void phase(String store, String what, int seconds, Step step) throws Exception {
    LongAdder done = new LongAdder();
    long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch go = new CountDownLatch(1);
    long began;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> callers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        callers.add(
            pool.submit(
                () -> {
                  go.await();
                  while (System.nanoTime() < until) {
                    Object r = step.run();
                    if (r == STOP) {
                      break;
                    }
                    if (!Boolean.FALSE.equals(r)) {
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
