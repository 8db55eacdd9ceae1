package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Event;
import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.invoke.InvocationFiles;
import dev.coordd.daemon.invoke.InvocationsToCopy;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home's SQLite store, filled through a real daemon, copied into a fresh PostgreSQL schema and
 * read back through a daemon on PostgreSQL: everything equal, and the copy goes on working there.
 */
class StoreCopyTest {
  @TempDir Path dir;

  private final List<PostgresTestDatabase> schemas = new ArrayList<>();

  @AfterEach
  void dropSchemas() throws SQLException {
    for (PostgresTestDatabase db : schemas) {
      db.drop();
    }
  }

  private PostgresTestDatabase freshSchema() {
    PostgresTestDatabase db = PostgresTestDatabase.create(StoreCopyTest.class);
    schemas.add(db);
    return db;
  }

  private Daemon sqliteDaemon() {
    return Daemon.start(
        ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of("pollInterval", "1h")));
  }

  private Daemon postgresDaemon(PostgresTestDatabase db) {
    return Daemon.start(
        ConfigLoader.load(
            dir.resolve("pg-home"),
            Map.of(),
            Map.of(
                "name", "pg-node",
                "pollInterval", "1h",
                "store.kind", "postgres",
                "store.url", db.url(),
                "store.pool.maxSize", "2")));
  }

  private Path sqliteFile() {
    return dir.resolve("home").resolve("coordd.db");
  }

  /** What a user sees of a home, read through the service. */
  record Snapshot(
      List<Task> tasks,
      List<Agent> agents,
      List<?> locks,
      List<?> schedules,
      List<?> queues,
      List<Event> events) {
    static Snapshot of(CoordinationService s, Set<String> agentNames) {
      List<Task> tasks =
          s.listTasks(new TaskQuery(null, null, null, TaskQuery.MAX_LIMIT)).stream()
              .map(t -> s.getTask(t.id()))
              .sorted(java.util.Comparator.comparing(Task::id))
              .toList();
      List<Agent> agents =
          s.listAgents().stream()
              .filter(a -> agentNames.contains(a.name()))
              .sorted(java.util.Comparator.comparing(Agent::name))
              .toList();
      return new Snapshot(
          tasks,
          agents,
          s.listLocks(),
          s.listSchedules(),
          s.listQueues(),
          s.awaitEvents(List.of("build.>"), 0, 1000, 0));
    }
  }

  /** Tasks in every status with their runs, a dependency, a barrier, events, a lock and more. */
  private Map<String, String> fill(CoordinationService s) {
    s.registerAgent(new AgentRegistration("w", "worker", List.of("review", "build"), null));
    Task done = s.createTask(NewTask.of("review").withDescription("done"));
    Task failed = s.createTask(NewTask.of("review").withDescription("failed").withMaxAttempts(1));
    Task cancelled = s.createTask(NewTask.of("review").withDescription("cancelled"));
    Task running = s.createTask(NewTask.of("review").withDescription("running"));
    s.claimTasks("w", List.of("review"), 1, 0, null).forEach(t -> complete(s, t));
    s.claimTasks("w", List.of("review"), 1, 0, null)
        .forEach(t -> s.failTask(t.id(), "w", t.claimToken(), "it broke"));
    s.cancelTask(cancelled.id());
    s.claimTasks("w", List.of("review"), 1, 0, 3_600_000L);
    Task queued = s.createTask(NewTask.of("review").withDescription("queued").withPriority(5));
    Task upstream = s.createTask(NewTask.of("build").withDescription("upstream"));
    Task waiting =
        s.createTask(
            NewTask.of("review").withDescription("waits").withDependsOn(List.of(upstream.id())));
    s.pauseQueue("build");
    s.limitQueue("review", 2);
    s.arrive("release-1", "w");
    for (int i = 0; i < 3; i++) {
      s.publish("build.done", JsonNodeFactory.instance.objectNode().put("n", i), "w");
    }
    s.subscribe("w", "build.*");
    s.acquireLock("src/a.txt", "w", 3_600_000L, false, 0);
    s.addSchedule(
        new ScheduleSpec("nightly", "0 3 * * *", null, null, NewTask.of("report"), "skip"));
    assertThat(s.getTask(done.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(s.getTask(failed.id()).status()).isEqualTo(TaskStatus.FAILED);
    assertThat(s.getTask(running.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(s.getTask(waiting.id()).status()).isEqualTo(TaskStatus.WAITING);
    return Map.of("queued", queued.id(), "upstream", upstream.id(), "waiting", waiting.id());
  }

  private static void complete(CoordinationService s, Task t) {
    s.completeTask(t.id(), "w", t.claimToken(), JsonNodeFactory.instance.objectNode().put("ok", 1));
  }

  @Test
  void a_copied_home_reads_back_equal_on_postgresql_and_goes_on_working() throws Exception {
    Snapshot before;
    Map<String, String> ids;
    try (Daemon d = sqliteDaemon()) {
      ids = fill(d.service());
      before = Snapshot.of(d.service(), Set.of("w"));
    }
    PostgresTestDatabase db = freshSchema();
    byte[] sqliteBefore = java.nio.file.Files.readAllBytes(sqliteFile());

    StoreCopy.Result result = StoreCopy.copy(sqliteFile(), db.url());

    assertThat(java.nio.file.Files.readAllBytes(sqliteFile())).isEqualTo(sqliteBefore);
    assertThat(java.nio.file.Files.list(sqliteFile().getParent()))
        .map(p -> p.getFileName().toString())
        .noneMatch(n -> n.startsWith("coordd.db-"));

    Map<String, Long> rows =
        result.tables().stream()
            .collect(Collectors.toMap(StoreCopy.Table::name, StoreCopy.Table::rows));
    assertThat(rows)
        .containsEntry("tasks", 7L)
        .containsEntry("task_deps", 1L)
        .containsEntry("barrier_arrivals", 1L)
        .containsEntry("events", 3L)
        .containsEntry("locks", 1L)
        .containsEntry("schedules", 1L)
        .containsEntry("queue_types", 2L)
        .containsEntry("event_subscriptions", 1L);
    assertThat(rows.get("task_runs")).isEqualTo(2L);
    assertThat(result.notCopied()).isEmpty();
    assertThat(result.version()).isEqualTo(StoreCopy.latestVersion());

    try (Daemon pg = postgresDaemon(db)) {
      CoordinationService s = pg.service();
      Snapshot after = Snapshot.of(s, Set.of("w"));
      assertThat(after.tasks()).isEqualTo(before.tasks());
      assertThat(after.agents()).isEqualTo(before.agents());
      assertThat(after.locks()).isEqualTo(before.locks());
      assertThat(after.schedules()).isEqualTo(before.schedules());
      assertThat(after.queues()).isEqualTo(before.queues());
      assertThat(after.events()).isEqualTo(before.events());

      // the copied queued task runs; the cap (2, one running) lets exactly it through
      List<Task> claimed = s.claimTasks("w", List.of("review"), 5, 0, null);
      assertThat(claimed).extracting(Task::id).containsExactly(ids.get("queued"));
      complete(s, claimed.get(0));
      assertThat(s.getTask(ids.get("queued")).status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(s.getTask(ids.get("queued")).runs()).hasSize(1);

      Set<String> copiedIds = before.tasks().stream().map(Task::id).collect(Collectors.toSet());
      Task fresh = s.createTask(NewTask.of("review"));
      assertThat(copiedIds).doesNotContain(fresh.id());

      long maxSeq = before.events().stream().mapToLong(Event::seq).max().orElseThrow();
      Event next = s.publish("build.done", JsonNodeFactory.instance.objectNode(), "w");
      assertThat(next.seq()).isEqualTo(maxSeq + 1);
    }
  }

  @Test
  void a_target_that_holds_data_is_refused_and_left_as_it_was() throws Exception {
    try (Daemon d = sqliteDaemon()) {
      fill(d.service());
    }
    PostgresTestDatabase db = freshSchema();
    StoreCopy.copy(sqliteFile(), db.url());

    assertThatThrownBy(() -> StoreCopy.copy(sqliteFile(), db.url()))
        .hasMessageContaining("already holds data")
        .hasMessageContaining("tasks")
        .hasMessageContaining("CREATE SCHEMA")
        .hasMessageContaining("nothing was copied");
    assertThat(rows(db, "tasks")).isEqualTo(7);
    assertThatThrownBy(() -> StoreCopy.plan(sqliteFile(), db.url()))
        .hasMessageContaining("already holds data");
  }

  @Test
  void a_copy_that_fails_halfway_leaves_the_target_empty() throws Exception {
    try (Daemon d = sqliteDaemon()) {
      fill(d.service());
    }
    // SQLite keeps a NUL in text; PostgreSQL refuses it. Events come after tasks, agents and runs,
    // so those are already in the target's transaction when it fails.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile());
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO events (topic, data, source, created_at) VALUES ('build.done',"
              + " 'a' || char(0) || 'b', 'w', 1)");
    }
    PostgresTestDatabase db = freshSchema();

    assertThatThrownBy(() -> StoreCopy.copy(sqliteFile(), db.url()))
        .hasMessageContaining("nothing was copied")
        .hasMessageContaining("events");
    for (String table : List.of("tasks", "task_runs", "agents", "events")) {
      assertThat(rows(db, table)).as(table).isZero();
    }
  }

  @Test
  void a_dry_run_counts_without_touching_the_target() throws Exception {
    try (Daemon d = sqliteDaemon()) {
      fill(d.service());
    }
    PostgresTestDatabase db = freshSchema();

    StoreCopy.Result plan = StoreCopy.plan(sqliteFile(), db.url());

    assertThat(plan.targetVersion()).isZero();
    assertThat(plan.tables()).contains(new StoreCopy.Table("tasks", 7));
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM information_schema.tables"
                    + " WHERE table_schema = current_schema()")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void an_unreachable_postgresql_is_named_with_what_to_check() throws Exception {
    try (Daemon d = sqliteDaemon()) {
      fill(d.service());
    }
    assertThatThrownBy(
            () ->
                StoreCopy.copy(
                    sqliteFile(), "jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=s3"))
        .hasMessageContaining("cannot connect to PostgreSQL")
        .hasMessageContaining("pg_isready")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3"));
  }

  @Test
  void a_store_older_than_this_coordd_is_refused_with_how_to_migrate_it() throws Exception {
    java.nio.file.Files.createDirectories(sqliteFile().getParent());
    SqliteDialect dialect = new SqliteDialect("FULL", 5000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile())) {
      new Migrator(dialect, dialect.migrationFolder(), SqliteDialect.MIGRATIONS.subList(0, 5))
          .migrate(c);
    }
    PostgresTestDatabase db = freshSchema();

    assertThatThrownBy(() -> StoreCopy.copy(sqliteFile(), db.url()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema version 5")
        .hasMessageContaining("start this coordd's daemon on the home once");
  }

  @Test
  void a_home_whose_daemon_was_killed_copies_every_acknowledged_task_from_its_wal()
      throws Exception {
    Path home = dir.resolve("home");
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                dev.coordd.daemon.CrashingDaemonMain.class.getName(),
                home.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    Set<String> acked = new java.util.HashSet<>();
    String running = null;
    try (java.io.BufferedReader out = child.inputReader()) {
      String line;
      while (running == null && (line = out.readLine()) != null) {
        if (line.startsWith("ACKED ")) {
          acked.add(line.substring(6));
        } else if (line.startsWith("RUNNING ")) {
          running = line.substring(8);
        }
      }
    } finally {
      child.destroyForcibly(); // SIGKILL: the WAL is left as it was
      assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(running).as("the child started its blocking task").isNotNull();
    assertThat(home.resolve("coordd.db-wal")).as("the killed daemon's WAL").exists();
    PostgresTestDatabase db = freshSchema();

    StoreCopy.copy(sqliteFile(), db.url());

    Set<String> copied = new java.util.HashSet<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM tasks")) {
      while (rs.next()) {
        copied.add(rs.getString(1));
      }
    }
    assertThat(copied).containsAll(acked).contains(running).hasSize(101);
  }

  private static Task invoke(CoordinationService s, String command) {
    return s.createTask(
        NewTask.of("invoke_agent")
            .withData(
                Json.read(
                    "{\"agentType\":\"claude\",\"mode\":\"queue\",\"command\":\""
                        + command
                        + "\"}")));
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  /** The open invocation of a task the daemon parked on one. */
  private static Invocation invocationOf(CoordinationService s, Task t) throws Exception {
    assertThat(eventually(() -> s.getTask(t.id()).status() == TaskStatus.WAITING))
        .as("task %s waits for its invocation", t.id())
        .isTrue();
    String waitingFor = s.getTask(t.id()).waitingFor();
    return s.listInvocations().stream()
        .filter(i -> waitingFor.equals("invocation:" + i.id()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no invocation for " + t.id()));
  }

  @Test
  void a_homes_invocation_files_move_into_the_table_and_a_cluster_daemon_goes_on_with_them()
      throws Exception {
    Path home = dir.resolve("home");
    Task pendingTask;
    Task takenTask;
    Task settledTask;
    Task lateTask;
    Invocation pending;
    Invocation taken;
    Invocation settled;
    Invocation late;
    try (Daemon d = sqliteDaemon()) {
      CoordinationService s = d.service();
      pendingTask = invoke(s, "nobody took me yet");
      takenTask = invoke(s, "a session works on me");
      settledTask = invoke(s, "done before the copy");
      lateTask = invoke(s, "done while no daemon ran");
      pending = invocationOf(s, pendingTask);
      taken = invocationOf(s, takenTask);
      settled = invocationOf(s, settledTask);
      late = invocationOf(s, lateTask);
      s.processInvocation(taken.id(), "claude@laptop");
      s.processInvocation(settled.id(), "claude@laptop");
      s.completeInvocation(settled.id(), Json.read("{\"n\":1}"));
      assertThat(s.getTask(settledTask.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
    // as coordd check does with no daemon: the file is archived, its task still waits
    new InvocationFiles(home, java.time.Clock.systemUTC())
        .complete(late.id(), Json.read("{\"late\":true}"));
    List<Path> filesBefore;
    try (var walk = java.nio.file.Files.walk(home.resolve("invocations"))) {
      filesBefore = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(filesBefore).hasSize(4);
    PostgresTestDatabase db = freshSchema();

    StoreCopy.Result result = StoreCopy.copy(sqliteFile(), db.url(), InvocationsToCopy.read(home));

    assertThat(result.invocationFiles()).isEqualTo(4);
    Map<String, String> status = new java.util.HashMap<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, status, taken_by FROM invocations")) {
      while (rs.next()) {
        status.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
      }
    }
    assertThat(status)
        .containsOnly(
            Map.entry(pending.id(), "pending null"),
            Map.entry(taken.id(), "processing claude@laptop"),
            Map.entry(settled.id(), "completed claude@laptop"),
            Map.entry(late.id(), "completed null"));
    try (var walk = java.nio.file.Files.walk(home.resolve("invocations"))) {
      assertThat(walk.filter(p -> p.toString().endsWith(".json")).sorted().toList())
          .as("the home's files are only read")
          .isEqualTo(filesBefore);
    }

    try (Daemon pg = postgresDaemon(db)) {
      CoordinationService s = pg.service();
      // what coordd check lists through a daemon of the cluster
      assertThat(s.listInvocations()).extracting(Invocation::id).containsExactly(pending.id());
      assertThat(s.listInvocations().get(0)).isEqualTo(pending);
      // the leader's reconcile settles the one finished while no daemon ran, and loses none
      assertThat(eventually(() -> s.getTask(lateTask.id()).status() == TaskStatus.SUCCEEDED))
          .as("the task of the invocation finished with no daemon: %s", s.getTask(lateTask.id()))
          .isTrue();
      assertThat(s.getTask(lateTask.id()).result()).isEqualTo(Json.read("{\"late\":true}"));
      assertThat(s.getTask(pendingTask.id()).status()).isEqualTo(TaskStatus.WAITING);
      assertThat(s.getTask(takenTask.id()).status()).isEqualTo(TaskStatus.WAITING);
      // and the sessions finish what they had, through the cluster
      s.completeInvocation(taken.id(), Json.read("{\"n\":2}"));
      assertThat(s.getTask(takenTask.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
      s.processInvocation(pending.id(), "claude@server");
      s.completeInvocation(pending.id(), Json.read("{\"n\":3}"));
      assertThat(s.getTask(pendingTask.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(s.listInvocations()).isEmpty();
    }
  }

  @Test
  void an_unreadable_invocation_file_stops_the_copy_and_is_named() throws Exception {
    Path pendingDir = dir.resolve("home/invocations/pending");
    java.nio.file.Files.createDirectories(pendingDir);
    java.nio.file.Files.writeString(pendingDir.resolve("i1.json"), "{\"id\":\"i1\"}");

    assertThatThrownBy(() -> InvocationsToCopy.read(dir.resolve("home")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pendingDir.resolve("i1.json").toString())
        .hasMessageContaining("it has no taskId")
        .hasMessageContaining("nothing was copied");
  }

  private static long rows(PostgresTestDatabase db, String table) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
