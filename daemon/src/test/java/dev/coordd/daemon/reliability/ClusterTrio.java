package dev.coordd.daemon.reliability;

import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.cluster.PgTestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Three daemons, each in a JVM of its own ({@link ClusterChildMain}), on a PostgreSQL schema of
 * their own: the cluster as an operator runs it on three machines. Each runs {@link CompletionLog}
 * handlers for the task types it is given, one log per type under the trio's folder, so tests that
 * share a trio keep to their own types and read only their own log. Close it to kill the daemons
 * and drop the schema.
 */
final class ClusterTrio implements AutoCloseable {
  /** The leader's advisory lock's first key, {@code AdvisoryLockLeader.KEY_SPACE} ("cood"). */
  static final long LEADER_KEY_SPACE = 0x636f6f64L;

  /** Every member's: a failed attempt is retried at once, many times over. */
  static final Map<String, String> SETTINGS =
      Map.of("defaultMaxAttempts", "100", "retryBackoffBase", "10ms", "retryBackoffMax", "50ms");

  /**
   * A short lease and heartbeat, so a killed daemon's work comes back within seconds. Only for
   * trios whose tests kill a member: on a loaded machine a live daemon's heartbeat can lag past
   * three of these seconds, and then its tasks are taken back and run again, as they should be.
   */
  static final Map<String, String> SHORT_LEASE =
      Map.of("leaseDuration", "3s", "heartbeatInterval", "1s");

  record Member(String name, Path home, Process process) {
    CoorddClient client() {
      return CoorddClient.connect(home, Duration.ofSeconds(60));
    }
  }

  final PgTestSchema db;
  final Path dir;
  final List<Member> members;

  private ClusterTrio(PgTestSchema db, Path dir, List<Member> members) {
    this.db = db;
    this.dir = dir;
    this.members = members;
  }

  /**
   * A fresh schema and three daemons on it, the first started alone so that it leads; the others
   * start together, each with {@link #SETTINGS} and {@code settings}, and handlers of {@code
   * types}.
   */
  static ClusterTrio start(Class<?> owner, Path dir, Map<String, String> settings, String... types)
      throws Exception {
    PgTestSchema db = PgTestSchema.create(owner);
    List<Member> members = new ArrayList<>();
    ClusterTrio trio = new ClusterTrio(db, dir, members);
    try {
      members.add(launch(db, dir, "a", settings, types));
      awaitUp(dir, members.get(0));
      members.add(launch(db, dir, "b", settings, types));
      members.add(launch(db, dir, "c", settings, types));
      awaitUp(dir, members.get(1));
      awaitUp(dir, members.get(2));
      return trio;
    } catch (Exception | AssertionError e) {
      trio.close();
      throw e;
    }
  }

  Member member(int i) {
    return members.get(i);
  }

  /** The completion log of {@code type}: one line {@code <id> <attempt>} per run that ended. */
  Path log(String type) {
    return dir.resolve(type + ".log");
  }

  private static Member launch(
      PgTestSchema db, Path dir, String name, Map<String, String> settings, String... types)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path home = dir.resolve(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-XX:+UseSerialGC",
                // C1 only: three JVMs start at once on a shared, loaded machine, and a start
                // spent in C2 compiles is most of what these tests wait for
                "-XX:TieredStopAtLevel=1",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                ClusterChildMain.class.getName(),
                home.toString(),
                dir.toString(),
                String.join(",", types),
                "name=" + name,
                "store.kind=postgres",
                "store.url=" + db.url()));
    SETTINGS.forEach((k, v) -> cmd.add(k + "=" + v));
    settings.forEach((k, v) -> cmd.add(k + "=" + v));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    return new Member(name, home, p);
  }

  private static void awaitUp(Path dir, Member m) throws Exception {
    Path out = dir.resolve(m.name() + ".out");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < until) {
      if (!m.process().isAlive()) {
        throw new AssertionError(
            "daemon "
                + m.name()
                + " died at start: "
                + Files.readString(dir.resolve(m.name() + ".err")));
      }
      if (Files.exists(out) && Files.readString(out).contains("UP")) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("daemon " + m.name() + " did not come up within 90 s");
  }

  /** The first column of the first row of {@code sql}, a count. */
  long count(String sql, Object... args) {
    try (Connection c = db.admin();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of every row of {@code sql}. */
  List<String> strings(String sql, Object... args) {
    List<String> values = new ArrayList<>();
    try (Connection c = db.admin();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
    return values;
  }

  /** {@code sql}'s rows as key (first column) → count (second), sorted by key. */
  Map<String, Long> counts(String sql, Object... args) {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = db.admin();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(String.valueOf(rs.getString(1)), rs.getLong(2));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
    return counts;
  }

  private static void bind(PreparedStatement ps, Object... args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  /** How many tasks of {@code type} are not {@code succeeded}. */
  long open(String type) {
    return count("SELECT COUNT(*) FROM tasks WHERE type = ? AND status <> 'succeeded'", type);
  }

  /** Where the tasks of {@code type} stand, for a failure message: per status and per worker. */
  String progress(String type) {
    return "tasks by status "
        + counts("SELECT status, COUNT(*) FROM tasks WHERE type = ? GROUP BY status", type)
        + ", running by daemon "
        + counts(
            "SELECT lease_owner, COUNT(*) FROM tasks WHERE type = ? AND status = 'running'"
                + " GROUP BY lease_owner",
            type)
        + ", runs by daemon and outcome "
        + counts(
            "SELECT r.worker || ' ' || r.outcome, COUNT(*) FROM task_runs r JOIN tasks t"
                + " ON t.id = r.task_id WHERE t.type = ? GROUP BY r.worker, r.outcome",
            type)
        + ", daemons alive "
        + members.stream().filter(m -> m.process().isAlive()).map(Member::name).toList();
  }

  /** Every run of the tasks of {@code type} that {@code where} picks, for a failure message. */
  String runs(String type, String where) {
    return strings(
            "SELECT t.id || ' attempt ' || r.attempt || ' on ' || r.worker || ': ' || r.outcome"
                + " || COALESCE(' ' || r.error_kind || ' (' || r.error_message || ')', '')"
                + " || ' started ' || r.started_at || ' finished ' || r.finished_at"
                + " FROM tasks t JOIN task_runs r ON r.task_id = t.id WHERE t.type = ? AND "
                + where
                + " ORDER BY t.id, r.run_id LIMIT 50",
            type)
        .toString();
  }

  /** The server process holding this schema's leader lock, or 0 while nobody leads. */
  long leaderPid() {
    return count(
        "SELECT COALESCE(MAX(l.pid), 0) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::oid"
            + " AND l.objsubid = 2 AND a.application_name = ?",
        LEADER_KEY_SPACE,
        db.schema());
  }

  /** Ends every server session of this schema's daemons (not the caller's), as a failover. */
  int terminateDaemonSessions() {
    return (int)
        count(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = ? AND pid <> pg_backend_pid()",
            db.schema());
  }

  @Override
  public void close() throws Exception {
    for (Member m : members) {
      m.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    db.close();
  }
}
