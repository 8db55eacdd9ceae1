package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The kept task counts on a SQLite file. */
class SqliteTaskCountsTest extends TaskCountsTest {
  @Override
  StoreSettings storeSettings(Path dir) {
    return StoreSettings.sqlite(dir.resolve("counts.db"), "NORMAL", Duration.ofSeconds(5));
  }

  @Test
  void migrating_a_store_that_already_holds_tasks_counts_them() throws Exception {
    Path file = dir.resolve("counts.db");
    SqliteDialect dialect = new SqliteDialect("NORMAL", 5_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      new Migrator(dialect, dialect.migrationFolder(), dialect.migrations().subList(0, 10))
          .migrate(c);
      String[] statuses = {"queued", "running", "waiting", "succeeded", "failed", "cancelled"};
      for (int i = 0; i < 600; i++) {
        st.execute(
            "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
                + " max_attempts, budget, created_at) VALUES ('t"
                + i
                + "', '"
                + (i % 3 == 0 ? "work" : "build")
                + "', '', '{}', '"
                + statuses[i % 7 % 6]
                + "', 0, 0, 3, 3, 0)");
      }
    }
    try (Store store = StoreFactory.open(storeSettings(dir))) {
      assertThat(kept(store))
          .isEqualTo(counted(store))
          .containsKeys("queued", "running", "waiting", "succeeded", "failed", "cancelled");
    }
  }

  /**
   * Every write to tasks fires the counting triggers, whose statement journal SQLite would keep in
   * a temporary file, created and written per statement: the store keeps it in memory instead, on
   * the writer's connection and the readers' alike.
   */
  @Test
  void statement_journals_are_kept_in_memory() throws Exception {
    try (Store store = StoreFactory.open(storeSettings(dir))) {
      long writer = store.writer().execute(tx -> tx.count("PRAGMA temp_store"));
      long reader = store.read(tx -> tx.count("PRAGMA temp_store"));
      assertThat(writer).isEqualTo(2L);
      assertThat(reader).isEqualTo(2L);
    }
  }
}
