package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.Agent;
import dev.coordd.api.ConflictException;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Stats;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.cluster.PgTestSchema;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.schedules.Scheduler;
import dev.coordd.daemon.service.LocalCoordinationService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons, two homes, one PostgreSQL schema: the cluster as an operator runs it. The safety
 * poll is an hour, so only notifications between the daemons can wake them; a wait that ends within
 * its bound was ended by the notification.
 */
@Tag("cluster")
class ClusterDaemonsTest {
  /** A bound for something that must happen; failing it means it did not happen. */
  static final long SOON_MS = Duration.ofSeconds(15).toMillis();

  static PgTestSchema db;

  @TempDir Path dir;
  final SettableClock clock = new SettableClock(System.currentTimeMillis());
  final List<Daemon> daemons = new ArrayList<>();

  @BeforeAll
  static void schema() {
    db = PgTestSchema.create(ClusterDaemonsTest.class);
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void empty() throws Exception {
    if (db.database().schema() != null) {
      try (Connection c = db.admin();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() LIMIT 1")) {
        if (rs.next()) {
          db.database().truncateAll();
        }
      }
    }
  }

  @AfterEach
  void stop() {
    daemons.forEach(Daemon::close);
  }

  Daemon member(String name, String... kv) {
    Map<String, String> s = new HashMap<>(ClaimTest.settings(kv));
    s.put("name", name);
    s.put("store.kind", "postgres");
    s.put("store.url", db.url());
    s.put("pollInterval", "1h");
    DaemonConfig c = ConfigLoader.load(dir.resolve(name), Map.of(), s);
    Daemon d = Daemon.start(c, clock);
    daemons.add(d);
    return d;
  }

  static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + SOON_MS * 1_000_000;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  long count(String sql) throws Exception {
    try (Connection c = db.admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void a_task_created_on_one_daemon_is_run_by_an_idle_handler_on_the_other() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    CompletableFuture<String> ranOnB = new CompletableFuture<>();
    b.registerHandler(
        "work",
        ctx -> {
          ranOnB.complete(ctx.task().id());
          return null;
        });
    Task created = a.service().createTask(NewTask.of("work"));
    assertThat(ranOnB.get(SOON_MS, TimeUnit.MILLISECONDS)).isEqualTo(created.id());
    // and the caller waiting on a is woken by b's finish
    long start = System.nanoTime();
    Task done = a.service().awaitTask(created.id(), SOON_MS);
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(SOON_MS));
  }

  @Test
  void a_daemon_that_stops_hands_its_running_task_to_the_other() throws Exception {
    Daemon a = member("a", "shutdownGrace", "100ms");
    CountDownLatch startedOnA = new CountDownLatch(1);
    a.registerHandler(
        "work",
        ctx -> {
          startedOnA.countDown();
          Thread.sleep(Long.MAX_VALUE);
          return null;
        });
    Task t = a.service().createTask(NewTask.of("work"));
    assertThat(startedOnA.await(SOON_MS, TimeUnit.MILLISECONDS)).isTrue();
    Daemon b = member("b");
    CompletableFuture<String> ranOnB = new CompletableFuture<>();
    b.registerHandler(
        "work",
        ctx -> {
          ranOnB.complete(ctx.task().id());
          return null;
        });
    a.close(); // requeues the task it could not finish in its grace, and says so to b
    assertThat(ranOnB.get(SOON_MS, TimeUnit.MILLISECONDS)).isEqualTo(t.id());
    assertThat(b.service().awaitTask(t.id(), SOON_MS).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void one_daemon_leads_and_only_the_leader_reaps_expired_leases() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    assertThat(a.engine().leadership().isLeader()).isTrue(); // first to start
    assertThat(b.engine().leadership().isLeader()).isFalse();
    Task t = a.service().createTask(NewTask.of("ext").withAssignedTo("ghost"));
    List<Task> claimed = b.service().claimTasks("ghost", List.of("ext"), 1, 0, 60_000L);
    assertThat(claimed).extracting(Task::id).containsExactly(t.id());
    // stop the background rounds so only the rounds below run
    a.engine().housekeeper().stop();
    b.engine().housekeeper().stop();
    clock.step(Duration.ofMinutes(2));
    b.engine().housekeeper().tick();
    assertThat(b.service().getTask(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
    a.engine().housekeeper().tick();
    Task after = b.service().getTask(t.id());
    assertThat(after.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(after.attempts()).isEqualTo(1);
  }

  @Test
  void when_the_leader_stops_the_other_daemon_leads() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    assertThat(a.engine().leadership().isLeader()).isTrue();
    a.close();
    assertThat(eventually(() -> b.engine().leadership().isLeader())).isTrue();
  }

  @Test
  void a_schedule_fires_once_per_slot_with_two_daemons_even_if_both_fire() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    a.registerHandler("tick", ctx -> null);
    a.engine().housekeeper().stop();
    b.engine().housekeeper().stop();
    a.service()
        .addSchedule(
            new ScheduleSpec("every-minute", null, 60_000L, "UTC", NewTask.of("tick"), "skip"));
    for (int slot = 1; slot <= 3; slot++) {
      clock.step(Duration.ofSeconds(61));
      // a housekeeping round on each daemon, at once: only the leader fires
      runTogether(() -> a.engine().housekeeper().tick(), () -> b.engine().housekeeper().tick());
      // and the worst case, two daemons that both believe they lead, still fire once per slot
      runTogether(() -> scheduler(a).fireDue(), () -> scheduler(b).fireDue());
      assertThat(count("SELECT COUNT(*) FROM tasks WHERE created_by = 'schedule:every-minute'"))
          .as("tasks after slot %d", slot)
          .isEqualTo(slot);
    }
  }

  @Test
  void a_schedule_keeps_firing_once_per_slot_across_a_change_of_leader() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    a.registerHandler("tick", ctx -> null);
    b.registerHandler("tick", ctx -> null);
    a.engine().housekeeper().stop();
    b.engine().housekeeper().stop();
    a.service()
        .addSchedule(
            new ScheduleSpec("handover", null, 60_000L, "UTC", NewTask.of("tick"), "skip"));
    clock.step(Duration.ofSeconds(61));
    a.engine().housekeeper().tick(); // a leads: slot 1
    b.engine().housekeeper().tick();
    a.close(); // steps down
    assertThat(eventually(() -> b.engine().leadership().isLeader())).isTrue();
    b.engine().housekeeper().tick(); // slot 1 again: already fired, nothing new
    clock.step(Duration.ofSeconds(60));
    b.engine().housekeeper().tick(); // slot 2, by the new leader
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE created_by = 'schedule:handover'"))
        .isEqualTo(2);
  }

  static Scheduler scheduler(Daemon d) {
    return ((LocalCoordinationService) d.service()).scheduler();
  }

  static void runTogether(Runnable x, Runnable y) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Void> fx =
        CompletableFuture.runAsync(
            () -> {
              await(go);
              x.run();
            });
    CompletableFuture<Void> fy =
        CompletableFuture.runAsync(
            () -> {
              await(go);
              y.run();
            });
    go.countDown();
    fx.get(SOON_MS, TimeUnit.MILLISECONDS);
    fy.get(SOON_MS, TimeUnit.MILLISECONDS);
  }

  static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void agents_and_stats_show_the_whole_cluster() throws Exception {
    Daemon a = member("a");
    Daemon b = member("b");
    a.service().createTask(NewTask.of("x").withAssignedTo("nobody"));
    b.service().createTask(NewTask.of("x").withAssignedTo("nobody"));
    for (Daemon d : List.of(a, b)) {
      assertThat(d.service().listAgents())
          .filteredOn(ag -> "daemon".equals(ag.kind()))
          .extracting(Agent::name)
          .containsExactlyInAnyOrder("a", "b");
      Stats s = d.service().stats();
      assertThat(s.coordination().queuedTasks()).isEqualTo(2);
      assertThat(s.agents().activeAgents()).isGreaterThanOrEqualTo(2);
    }
    Agent self =
        a.service().listAgents().stream()
            .filter(g -> g.name().equals("a"))
            .findFirst()
            .orElseThrow();
    assertThat(self.metadata().path("host").asText()).isNotBlank();
  }

  @Test
  void a_daemon_refuses_to_start_under_the_name_of_a_live_daemon_on_another_machine()
      throws Exception {
    member("a"); // creates the schema, then stands for a daemon named twin elsewhere:
    try (Connection c = db.admin();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO agents (id, name, kind, capabilities, metadata, registered_at,"
              + " last_heartbeat) VALUES ('ag-twin', 'twin', 'daemon', '[]',"
              + " '{\"host\":\"other-machine\",\"home\":\"/srv/h\",\"pid\":7}', "
              + clock.millis()
              + ", "
              + clock.millis()
              + ")");
    }
    assertThatThrownBy(() -> member("twin"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("another daemon named 'twin' is running (host other-machine");
    // the refused daemon left the live one's entry alone
    assertThat(
            count(
                "SELECT COUNT(*) FROM agents WHERE name = 'twin' AND NOT signed_off"
                    + " AND metadata LIKE '%other-machine%'"))
        .isEqualTo(1);
    // the refused start let go of its home: a daemon with its own name starts there
    Map<String, String> s = new HashMap<>();
    s.put("name", "twin-2");
    s.put("store.kind", "postgres");
    s.put("store.url", db.url());
    daemons.add(Daemon.start(ConfigLoader.load(dir.resolve("twin"), Map.of(), s), clock));
  }

  @Test
  void a_killed_daemons_running_task_is_rerun_by_the_other_after_the_lease() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process member =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ClusterMemberMain.class.getName(),
                dir.resolve("killed").toString(),
                "killed",
                db.url())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(member.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");
      Daemon b = member("b");
      Task t = b.service().createTask(NewTask.of("block"));
      assertThat(out.readLine()).isEqualTo("RUNNING " + t.id());
      member.destroyForcibly().waitFor(); // kill -9: no graceful stop, no sign-off
      // b leads once the dead daemon's session is gone
      assertThat(eventually(() -> b.engine().leadership().isLeader())).isTrue();
      CompletableFuture<Integer> rerun = new CompletableFuture<>();
      b.registerHandler(
          "block",
          ctx -> {
            rerun.complete(ctx.task().attempts());
            return null;
          });
      assertThat(b.service().getTask(t.id()).status()).isEqualTo(TaskStatus.RUNNING);
      clock.step(Duration.ofMinutes(2)); // past the lease and the dead daemon's heartbeats
      b.engine().housekeeper().tick(); // reaped: back to the queue after a retry backoff
      clock.step(Duration.ofMinutes(10)); // past the backoff
      b.engine().housekeeper().tick();
      assertThat(rerun.get(SOON_MS, TimeUnit.MILLISECONDS)).isEqualTo(2);
      Task done = b.service().awaitTask(t.id(), SOON_MS);
      assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.attempts()).isEqualTo(2);
    } finally {
      member.destroyForcibly();
    }
  }
}
