package dev.coordd.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.Cli;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordd check} in a cluster: two homes (two machines) whose daemons share one PostgreSQL
 * schema. An invocation queued through one daemon is listed, taken and completed with {@code coordd
 * check} on the other machine's home, and the first daemon's task succeeds. Without a local daemon
 * a cluster home's check says so instead of reading files.
 */
@Tag("cluster")
class CheckClusterTest {
  static final String BASE =
      System.getenv()
          .getOrDefault(
              "COORDD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  static String schema;

  @TempDir Path dir;

  @BeforeAll
  static void createSchema() {
    byte[] suffix = new byte[4];
    new SecureRandom().nextBytes(suffix);
    schema = "checkclustertest_" + HexFormat.of().formatHex(suffix);
    try (Connection c = DriverManager.getConnection(BASE + "&connectTimeout=3");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String message = "PostgreSQL is not reachable at " + BASE + " (" + e.getMessage() + ")";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message, e);
      }
      System.err.println("!!!!! SKIPPING CheckClusterTest: " + message);
      Assumptions.abort(message);
    }
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(BASE);
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  /** A machine's home whose config.json names the shared store. */
  Path home(String name) throws Exception {
    Path home = dir.resolve(name);
    Files.createDirectories(home);
    Files.writeString(
        home.resolve("config.json"),
        Json.write(
            Map.of(
                "name",
                name,
                "store",
                Map.of("kind", "postgres", "url", BASE + "&currentSchema=" + schema))));
    return home;
  }

  static Daemon start(Path home) {
    return Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
  }

  @Test
  void an_invocation_queued_on_one_machine_is_checked_taken_and_completed_on_the_other()
      throws Exception {
    Path homeA = home("a");
    Path homeB = home("b");
    try (Daemon a = start(homeA);
        Daemon b = start(homeB)) {
      Task t =
          a.service()
              .createTask(
                  NewTask.of("invoke_agent")
                      .withData(
                          Json.read(
                              "{\"agentType\":\"gemini\",\"mode\":\"queue\","
                                  + "\"command\":\"summarise the logs\"}")));
      long until = System.nanoTime() + 15_000_000_000L;
      while (b.service().listInvocations().isEmpty() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      List<Invocation> seen = b.service().listInvocations();
      assertThat(seen).hasSize(1);
      String id = seen.get(0).id();

      Result list = CliRun.inHome(homeB, "check");
      assertThat(list.exit()).as(list.err()).isZero();
      assertThat(list.out()).contains(id).contains("summarise the logs");

      Result taken = CliRun.inHome(homeB, "check", "process", id, "--agent", "gemini@b");
      assertThat(taken.exit()).as(taken.err()).isZero();
      assertThat(taken.out()).contains("is yours, gemini@b");
      Result again = CliRun.inHome(homeA, "check", "process", id, "--agent", "other@a");
      assertThat(again.exit()).isEqualTo(Cli.EXIT_FAILED);
      assertThat(again.err()).contains("already being processed by gemini@b");

      Result done = CliRun.inHome(homeB, "check", "complete", id, "--result", "{\"n\":3}");
      assertThat(done.exit()).as(done.err()).isZero();
      assertThat(done.out()).contains("completed").contains("is finished");

      Task finished = a.service().awaitTask(t.id(), 15_000);
      assertThat(finished.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(finished.result().get("n").asInt()).isEqualTo(3);
      assertThat(CliRun.inHome(homeA, "check").out()).contains("no pending invocations");
    }
  }

  @Test
  void a_cluster_home_without_its_daemon_says_to_start_it_and_reads_no_files() throws Exception {
    Path home = home("lonely");
    for (List<String> args :
        List.of(
            List.of("check"),
            List.of("check", "process", "some-id"),
            List.of("check", "complete", "some-id"))) {
      Result r = CliRun.inHome(home, args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(Cli.EXIT_NO_DAEMON);
      assertThat(r.err())
          .contains("store is PostgreSQL (cluster mode)")
          .contains("coordd daemon --home");
    }
    Result cleanup = CliRun.inHome(home, "check", "cleanup");
    assertThat(cleanup.exit()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(cleanup.err())
        .contains("the leader daemon deletes them after retention.invocations");
    assertThat(home.resolve("invocations")).doesNotExist();
  }
}
