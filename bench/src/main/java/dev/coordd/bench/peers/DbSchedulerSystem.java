package dev.coordd.bench.peers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * db-scheduler as its README sets it up for throughput: a one-time task, {@code
 * enableImmediateExecution()} so a task scheduled for now wakes the local scheduler, {@code
 * scheduleBatch} for many, the same thread count as coordd's concurrency, and the {@code
 * lock-and-fetch} polling strategy at its "high throughput" setting (1.0, 4.0) where the database
 * supports it (PostgreSQL; on SQLite only {@code fetch} exists, at its defaults).
 */
public final class DbSchedulerSystem implements QueueSystem {
  private static final OneTimeTask<Void> NOOP =
      Tasks.oneTime("bench-noop").execute((instance, ctx) -> PeerJobs.run(instance.getId()));

  private final Load load;

  public DbSchedulerSystem(Load load) {
    this.load = load;
  }

  @Override
  public String name() {
    return "db-scheduler";
  }

  @Override
  public String method() {
    return "db-scheduler "
        + PeerVersions.of(Scheduler.class, "com.github.kagkarlsson", "db-scheduler")
        + " in this JVM: one-time task, "
        + load.workers()
        + " threads, enableImmediateExecution, lock-and-fetch (1.0, 4.0) on PostgreSQL and fetch"
        + " (its only strategy on SQLite) on SQLite; schedule per task for latency,"
        + " scheduleBatch for throughput";
  }

  private HikariDataSource table(StoreTarget store) throws SQLException, IOException {
    PeerJobs.reset();
    HikariDataSource ds = store.dataSource(load.workers() + 2);
    String file =
        store.kind() == StoreKind.POSTGRES
            ? "db-scheduler-postgresql.sql"
            : "db-scheduler-sqlite.sql";
    String ddl;
    try (InputStream in = DbSchedulerSystem.class.getResourceAsStream(file)) {
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      for (String sql : ddl.split(";")) {
        String s = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
        if (!s.isBlank()) {
          st.execute(s);
        }
      }
    }
    return ds;
  }

  private Scheduler scheduler(StoreTarget store, HikariDataSource ds) {
    SchedulerBuilder b =
        Scheduler.create(ds, NOOP)
            .threads(load.workers())
            .enableImmediateExecution()
            .pollingInterval(Duration.ofSeconds(10))
            .shutdownMaxWait(Duration.ofSeconds(5));
    if (store.kind() == StoreKind.POSTGRES) {
      b.pollUsingLockAndFetch(1.0, 4.0);
    }
    Scheduler s = b.build();
    s.start();
    return s;
  }

  @Override
  public double[] latencyMillis(StoreTarget store, Path dir, int n, double rate) throws Exception {
    try (HikariDataSource ds = table(store)) {
      Scheduler s = scheduler(store, ds);
      try {
        long[] created = new long[n];
        String[] ids = new String[n];
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
          CoorddSystem.pauseUntil(next);
          ids[i] = "l" + i;
          created[i] = System.nanoTime();
          s.schedule(NOOP.instance(ids[i]), Instant.now());
          next += interval;
        }
        PeerWaits.until(PeerJobs.RUN::get, n, 600_000, "db-scheduler latency");
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
          ms[i] = Figures.millis(PeerJobs.STARTED.get(ids[i]) - created[i]);
        }
        return ms;
      } finally {
        s.stop();
      }
    }
  }

  @Override
  public double batchCreatesPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (HikariDataSource ds = table(store)) {
      SchedulerClient client = SchedulerClient.Builder.create(ds, NOOP).build();
      List<TaskInstance<?>> batch = instances(n);
      long start = System.nanoTime();
      client.scheduleBatch(batch, Instant.now());
      return Figures.perSecond(n, System.nanoTime() - start);
    }
  }

  @Override
  public double endToEndPerSecond(StoreTarget store, Path dir, int n) throws Exception {
    try (HikariDataSource ds = table(store)) {
      Scheduler s = scheduler(store, ds);
      try {
        List<TaskInstance<?>> batch = instances(n);
        long start = System.nanoTime();
        s.scheduleBatch(batch, Instant.now());
        // A finished one-time task is deleted: done is every row gone.
        PeerWaits.until(() -> n - rows(ds), n, 600_000, "db-scheduler end to end");
        return Figures.perSecond(n, System.nanoTime() - start);
      } finally {
        s.stop();
      }
    }
  }

  private static List<TaskInstance<?>> instances(int n) {
    List<TaskInstance<?>> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(NOOP.instance("t" + i));
    }
    return batch;
  }

  private static long rows(HikariDataSource ds) {
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("counting db-scheduler's rows: " + e.getMessage(), e);
    }
  }
}
