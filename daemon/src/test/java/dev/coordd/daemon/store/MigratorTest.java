package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations on real SQLite files. */
class MigratorTest {
  @TempDir Path dir;

  final SqliteDialect dialect = new SqliteDialect("NORMAL", 5_000);

  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
  }

  Migrator shipped() {
    return new Migrator(dialect, dialect.migrationFolder(), dialect.migrations());
  }

  @Test
  void a_fresh_file_gets_every_version() throws Exception {
    try (Connection c = connect()) {
      assertThat(shipped().migrate(c)).isEqualTo(dialect.migrations().size());
      assertThat(shipped().currentVersion(c)).isEqualTo(12);
      assertThat(tables(c)).contains("tasks", "events", "locks", "schedules", "queue_types");
    }
  }

  @Test
  void reopening_a_migrated_store_applies_nothing() throws Exception {
    try (Connection c = connect()) {
      shipped().migrate(c);
    }
    try (Connection c = connect()) {
      assertThat(shipped().migrate(c)).isZero();
      assertThat(shipped().currentVersion(c)).isEqualTo(12);
    }
    StoreFactory.open(StoreSettings.sqlite(dir.resolve("store.db"), null, null)).close();
  }

  @Test
  void a_store_newer_than_this_coordd_is_refused_untouched() throws Exception {
    try (Connection c = connect()) {
      shipped().migrate(c);
      execute(c, "INSERT INTO schema_version (version, name, applied_at) VALUES (13, 'future', 0)");
    }
    try (Connection c = connect()) {
      assertThatThrownBy(() -> shipped().migrate(c))
          .hasMessageContaining("schema version 13")
          .hasMessageContaining("knows only up to 12")
          .hasMessageContaining("use a newer coordd");
      assertThat(shipped().currentVersion(c)).isEqualTo(13);
    }
    assertThatThrownBy(
            () ->
                StoreFactory.open(
                    StoreSettings.sqlite(dir.resolve("store.db"), null, Duration.ofSeconds(1))))
        .hasMessageContaining("use a newer coordd");
  }

  @Test
  void a_failing_migration_rolls_back_and_leaves_the_version_unchanged() throws Exception {
    Migrator failing =
        new Migrator(dialect, "/db-test/failing", List.of("V1__base.sql", "V2__broken.sql"));
    try (Connection c = connect()) {
      assertThatThrownBy(() -> failing.migrate(c))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no_such_table");
      assertThat(failing.currentVersion(c)).isEqualTo(1);
      assertThat(tables(c)).contains("base").doesNotContain("half_done");
    }
  }

  @Test
  void a_task_running_across_the_upgrade_to_claim_tokens_can_still_be_finished() throws Exception {
    Path home = dir.resolve("home");
    java.nio.file.Files.createDirectories(home);
    List<String> beforeTokens = dialect.migrations().subList(0, 7);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("coordd.db"))) {
      new Migrator(dialect, dialect.migrationFolder(), beforeTokens).migrate(c);
      execute(
          c,
          "INSERT INTO tasks (id, type, description, data, status, priority, assigned_to,"
              + " run_at, attempts, max_attempts, budget, lease_owner, lease_expires_at,"
              + " created_at, started_at) VALUES ('t-old', 'review', '', '{}', 'running', 0,"
              + " 'alice', 0, 1, 3, 3, 'alice', 9999999999999, 0, 0)");
    }
    try (dev.coordd.daemon.Daemon d =
        dev.coordd.daemon.Daemon.start(
            dev.coordd.daemon.config.ConfigLoader.load(
                home, java.util.Map.of(), java.util.Map.of()))) {
      var svc = d.service();
      var old = svc.getTask("t-old");
      assertThat(old.claimToken()).isNull();
      assertThat(old.leaseMs()).isNull();
      // claimed before tokens existed: it needs none, and a heartbeat renews it by the default
      svc.registerAgent(dev.coordd.api.AgentRegistration.of("alice"));
      svc.heartbeat("alice");
      assertThat(svc.getTask("t-old").leaseExpiresAt()).isLessThan(9999999999999L);
      assertThat(svc.completeTask("t-old", "alice", null, null).status().wire())
          .isEqualTo("succeeded");
    }
  }

  @Test
  void a_store_whose_applied_migration_differs_from_the_shipped_one_is_refused() throws Exception {
    try (Connection c = connect()) {
      shipped().migrate(c);
      execute(c, "UPDATE schema_checksums SET checksum = 'edited' WHERE version = 3");
      assertThatThrownBy(() -> shipped().migrate(c))
          .hasMessageContaining("migration V3__due_index.sql of this coordd differs")
          .hasMessageContaining("use the coordd release that created it");
    }
  }

  @Test
  void a_store_from_before_checksums_gets_them_and_opens() throws Exception {
    try (Connection c = connect()) {
      shipped().migrate(c);
      execute(c, "DROP TABLE schema_checksums"); // as a store made before checksums
      assertThat(shipped().migrate(c)).isZero();
      assertThat(count(c, "SELECT COUNT(*) FROM schema_checksums")).isEqualTo(12);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> tables(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private static void execute(Connection c, String statement) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
