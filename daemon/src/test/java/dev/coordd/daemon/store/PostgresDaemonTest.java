package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemons configured the way an operator does it ({@code store.kind}, {@code store.url}) keep their
 * tasks in PostgreSQL, and two of them with different homes share one queue.
 */
class PostgresDaemonTest {
  static PostgresTestDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresDaemonTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  DaemonConfig config(String name) {
    return ConfigLoader.load(
        dir.resolve(name),
        Map.of(),
        Map.of(
            "name", name,
            "pollInterval", "1h",
            "store.kind", "postgres",
            "store.url", db.url(),
            "store.pool.maxSize", "2"));
  }

  @Test
  void two_daemons_configured_for_postgres_share_one_queue() throws Exception {
    try (Daemon a = Daemon.start(config("node-a"));
        Daemon b = Daemon.start(config("node-b"))) {
      // registered through b, known to a: the capability check reads the shared agents table
      b.service().registerAgent(new AgentRegistration("w", "worker", List.of("review"), null));
      Task created = a.service().createTask(NewTask.of("review"));
      assertThat(b.service().getTask(created.id()).id()).isEqualTo(created.id());

      List<Task> claimed = b.service().claimTasks("w", List.of("review"), 1, 0, null);
      assertThat(claimed).extracting(Task::id).containsExactly(created.id());
      assertThat(a.service().listAgents())
          .extracting(dev.coordd.api.Agent::name)
          .contains("node-a", "node-b", "w");
    }
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT status, lease_owner FROM tasks")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("running");
      assertThat(rs.getString(2)).isEqualTo("w");
    }
  }
}
