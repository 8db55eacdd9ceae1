package dev.coordd.bench.peers;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.BatchItem;
import dev.coordd.api.Completion;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.bench.DaemonProcess;
import dev.coordd.bench.Figures;
import dev.coordd.bench.Results;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.daemon.BenchDaemon;
import dev.coordd.client.CoorddClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** coordd: a daemon process, driven over its socket by the Java client. */
public final class CoorddSystem implements QueueSystem {
  /** A type nobody runs: creates are measured alone (the tasks name an agent that never claims). */
  public static final String PARKED = "bench.parked";

  public static final String NOBODY = "bench-nobody";

  /** A type only external agents take: claimed over the socket, completed by the claimer. */
  public static final String EXTERNAL = "bench.external";

  private final Load load;
  private final List<String> jvmOptions;

  public CoorddSystem(Load load, List<String> jvmOptions) {
    this.load = load;
    this.jvmOptions = jvmOptions;
  }

  @Override
  public String name() {
    return Results.COORDD;
  }

  @Override
  public String method() {
    return "a daemon process (fresh home) with the no-op handler registered in Java,"
        + " concurrency "
        + load.workers()
        + "; driven over its Unix socket with the Java client from "
        + load.connections()
        + " connections: single creates pipelined (createTaskAsync, "
        + load.inFlight()
        + " in flight per connection), batch creates (createTasks, "
        + load.batch()
        + " per call, one call in flight per connection), external claimers (claimTasks max "
        + load.claimBatch()
        + ", completeTasks)";
  }

  /** Starts a daemon for {@code store} in {@code dir}. */
  public DaemonProcess start(StoreTarget store, Path dir, int generation) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>(store.daemonSettings());
    settings.put("concurrency", Integer.toString(load.workers()));
    return DaemonProcess.start(dir.resolve("home"), generation, settings, jvmOptions);
  }

  /**
   * Starts a daemon and runs {@link Load#daemonWarmup} tasks through it first, a quarter on each
   * path measured: pipelined single creates and batch creates run by its workers, and batch creates
   * taken by an external claimer; returns once all have finished.
   */
  public DaemonProcess startWarm(StoreTarget store, Path dir) throws Exception {
    DaemonProcess d = start(store, dir, 1);
    try {
      int quarter = load.daemonWarmup() / 4;
      if (quarter > 0) {
        NewTask noop = NewTask.of(BenchDaemon.NOOP);
        createPipelined(d, quarter, noop);
        createBatches(d, quarter, noop);
        claimExternally(d, quarter, "bench-warm-");
        try (CoorddClient watcher = d.connect()) {
          PeerWaits.until(
              () -> watcher.stats().coordination().completedTasks(),
              3 * quarter,
              600_000,
              "coordd warm-up");
        }
      }
      return d;
    } catch (Exception | Error e) {
      d.close();
      throw e;
    }
  }

  @Override
  public double[] latencyMillis(StoreTarget store, Path dir, int n, double rate) throws Exception {
    try (DaemonProcess d = startWarm(store, dir);
        CoorddClient c = d.connect()) {
      long[] created = new long[n];
      String[] ids = new String[n];
      long interval = (long) (1e9 / rate);
      long next = System.nanoTime();
      for (int i = 0; i < n; i++) {
        pauseUntil(next);
        created[i] = System.nanoTime();
        ids[i] = c.createTask(NewTask.of(BenchDaemon.NOOP)).id();
        next += interval;
      }
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        Task t = c.awaitTask(ids[i], 60_000);
        if (t.result() == null || !t.result().has(BenchDaemon.START_NANOS)) {
          throw new IllegalStateException(
              "task " + ids[i] + " ended " + t.status() + " with no start time");
        }
        ms[i] = Figures.millis(t.result().get(BenchDaemon.START_NANOS).asLong() - created[i]);
      }
      return ms;
    }
  }

  static void pauseUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /**
   * Acknowledged single creates per second of {@code n} tasks nothing runs: {@code createTaskAsync}
   * from every connection, at most {@code inFlight} unanswered per connection.
   */
  public double singleCreatesPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (DaemonProcess d = startWarm(store, dir)) {
      return Figures.perSecond(n, createPipelined(d, n, PARKED_TASK));
    }
  }

  @Override
  public double batchCreatesPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (DaemonProcess d = startWarm(store, dir)) {
      return Figures.perSecond(n, createBatches(d, n, PARKED_TASK));
    }
  }

  private static final NewTask PARKED_TASK = NewTask.of(PARKED).withAssignedTo(NOBODY);

  /** Single creates of {@code n} tasks, pipelined on every connection; nanoseconds taken. */
  long createPipelined(DaemonProcess d, int n, NewTask task) throws Exception {
    AtomicInteger left = new AtomicInteger(n);
    return onEveryConnection(
        d,
        c -> {
          Semaphore free = new Semaphore(load.inFlight());
          AtomicReference<Throwable> failed = new AtomicReference<>();
          while (failed.get() == null && left.getAndDecrement() > 0) {
            free.acquire();
            c.createTaskAsync(task)
                .whenComplete(
                    (t, e) -> {
                      if (e != null) {
                        failed.compareAndSet(null, e);
                      }
                      free.release();
                    });
          }
          free.acquire(load.inFlight()); // every answer is in
          if (failed.get() != null) {
            throw new IllegalStateException("a pipelined create failed", failed.get());
          }
        });
  }

  /** Creates {@code n} tasks with the batch call from every connection; nanoseconds taken. */
  public long createBatches(DaemonProcess d, int n, NewTask task) throws Exception {
    AtomicInteger left = new AtomicInteger(n);
    return onEveryConnection(
        d,
        c -> {
          int k;
          while ((k = take(left, load.batch())) > 0) {
            for (BatchItem item : c.createTasks(Collections.nCopies(k, task))) {
              item.orThrow();
            }
          }
        });
  }

  /** Up to {@code max} of what is {@code left}, taken from it; 0 when nothing is. */
  static int take(AtomicInteger left, int max) {
    while (true) {
      int now = left.get();
      int k = Math.min(now, max);
      if (k <= 0) {
        return 0;
      }
      if (left.compareAndSet(now, now - k)) {
        return k;
      }
    }
  }

  interface OnConnection {
    void run(CoorddClient c) throws Exception;
  }

  /** Runs {@code work} once per connection, all at once; the nanoseconds until all are done. */
  private long onEveryConnection(DaemonProcess d, OnConnection work) throws Exception {
    List<CoorddClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(load.connections());
    try {
      for (int i = 0; i < load.connections(); i++) {
        clients.add(d.connect());
      }
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (CoorddClient c : clients) {
        done.add(
            pool.submit(
                () -> {
                  work.run(c);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return System.nanoTime() - start;
    } finally {
      pool.shutdownNow();
      clients.forEach(CoorddClient::close);
    }
  }

  @Override
  public double endToEndPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (DaemonProcess d = startWarm(store, dir);
        CoorddClient watcher = d.connect()) {
      long before = watcher.stats().coordination().completedTasks(); // the warm-up's
      long start = System.nanoTime();
      createBatches(d, n, NewTask.of(BenchDaemon.NOOP));
      PeerWaits.until(
          () -> watcher.stats().coordination().completedTasks() - before,
          n,
          600_000,
          "coordd end to end");
      return Figures.perSecond(n, System.nanoTime() - start);
    }
  }

  /** Registers {@code name} as an agent that claims {@link #EXTERNAL} tasks. */
  public static void registerClaimer(CoorddClient c, String name) {
    c.registerAgent(new AgentRegistration(name, "bench", List.of(EXTERNAL), null));
  }

  /**
   * Tasks per second end to end by external agents: one per connection, each claiming up to {@code
   * claimBatch} tasks per call and completing them with one {@code completeTasks}, while the tasks
   * are created by batch on other connections.
   */
  public double externalPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (DaemonProcess d = startWarm(store, dir)) {
      return Figures.perSecond(n, claimExternally(d, n, "bench-claimer-"));
    }
  }

  /**
   * Creates {@code n} {@link #EXTERNAL} tasks by batch while one agent per connection (named {@code
   * prefix} and its number) claims and completes them; the nanoseconds until all are done.
   */
  private long claimExternally(DaemonProcess d, int n, String prefix) throws Exception {
    List<CoorddClient> claimers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(load.connections());
    try {
      AtomicInteger completed = new AtomicInteger();
      for (int i = 0; i < load.connections(); i++) {
        CoorddClient c = d.connect();
        claimers.add(c);
        registerClaimer(c, prefix + i);
      }
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < claimers.size(); i++) {
        CoorddClient c = claimers.get(i);
        String agent = prefix + i;
        done.add(
            pool.submit(
                () -> {
                  while (completed.get() < n) {
                    List<Completion> batch = new ArrayList<>();
                    for (Task t :
                        c.claimTasks(agent, List.of(EXTERNAL), load.claimBatch(), 200, null)) {
                      batch.add(new Completion(t.id(), agent, t.claimToken(), null));
                    }
                    if (!batch.isEmpty()) {
                      for (BatchItem item : c.completeTasks(batch)) {
                        item.orThrow();
                      }
                      completed.addAndGet(batch.size());
                    }
                  }
                  return null;
                }));
      }
      createBatches(d, n, NewTask.of(EXTERNAL));
      for (Future<?> f : done) {
        f.get();
      }
      return System.nanoTime() - start;
    } finally {
      pool.shutdownNow();
      claimers.forEach(CoorddClient::close);
    }
  }
}
