package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.UnavailableException;
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
      assertThat(shipped().currentVersion(c)).isEqualTo(7);
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
      assertThat(shipped().currentVersion(c)).isEqualTo(7);
    }
    StoreFactory.open(StoreSettings.sqlite(dir.resolve("store.db"), null, null)).close();
  }

  @Test
  void a_store_newer_than_this_coordd_is_refused_untouched() throws Exception {
    try (Connection c = connect()) {
      shipped().migrate(c);
      execute(c, "INSERT INTO schema_version (version, name, applied_at) VALUES (8, 'future', 0)");
    }
    try (Connection c = connect()) {
      assertThatThrownBy(() -> shipped().migrate(c))
          .hasMessageContaining("schema version 8")
          .hasMessageContaining("knows only up to 7")
          .hasMessageContaining("use a newer coordd");
      assertThat(shipped().currentVersion(c)).isEqualTo(8);
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
  void postgres_is_refused_with_a_clear_message_for_now() {
    assertThatThrownBy(
            () ->
                StoreFactory.open(StoreSettings.postgres("jdbc:postgresql://localhost/coordd", 4)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("store.kind postgres is not supported by this version of coordd yet")
        .hasMessageContaining("set it to sqlite");
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
