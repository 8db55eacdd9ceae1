package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.TaskStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kept task counts on PostgreSQL, where several daemons' writers change them at once. */
class PostgresTaskCountsTest extends TaskCountsTest {
  static PostgresTestDatabase db;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresTaskCountsTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void emptyStore() throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + db.schema() + " CASCADE");
      st.execute("CREATE SCHEMA " + db.schema());
    }
  }

  @Override
  StoreSettings storeSettings(Path dir) {
    return StoreSettings.postgres(db.url(), 4);
  }

  @Test
  void migrating_a_store_that_already_holds_tasks_counts_them() throws Exception {
    PostgresDialect dialect = new PostgresDialect();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      new Migrator(dialect, dialect.migrationFolder(), dialect.migrations().subList(0, 10))
          .migrate(c);
      st.execute(
          "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
              + " max_attempts, budget, created_at) SELECT 't' || i,"
              + " CASE WHEN i % 3 = 0 THEN 'work' ELSE 'build' END, '', '{}',"
              + " (ARRAY['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'])"
              + "[i % 7 % 6 + 1], 0, 0, 3, 3, 0 FROM generate_series(0, 599) AS i");
    }
    try (Store store = db.open(1)) {
      assertThat(kept(store))
          .isEqualTo(counted(store))
          .containsKeys("queued", "running", "waiting", "succeeded", "failed", "cancelled");
    }
  }

  /**
   * Two stores on one schema are two writers in two server processes, as two daemons are: creates,
   * claims, completions and cancels from both at once leave the counts exact.
   */
  @Test
  void two_concurrent_writers_keep_the_counts_exact() throws Exception {
    db.open(1).close();
    try (Store a = db.open(2);
        Store b = db.open(2);
        ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<?>> runs = new ArrayList<>();
      for (Store s : List.of(a, b)) {
        runs.add(pool.submit(() -> churn(s, s == a ? "a" : "b")));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      Map<String, Long> counted = counted(a);
      assertThat(kept(a)).isEqualTo(counted).isEqualTo(kept(b));
      assertThat(counted.get("queued") + counted.get("succeeded") + counted.get("cancelled"))
          .isEqualTo(2 * 400L);
      assertThat(a.read(new TaskStore(a.sql())::countByStatus).get(TaskStatus.RUNNING)).isZero();
    }
  }

  /**
   * One transaction of 2,000 single-row statements, as store copy and retention passes run: each
   * appends its change, about one in a hundred folds the changes into the counts, and the sum stays
   * exact.
   */
  @Test
  void one_long_transaction_of_single_row_statements_folds_its_changes_as_it_goes()
      throws Exception {
    db.open(1).close();
    try (Store store = db.open(1)) {
      store
          .writer()
          .execute(
              tx -> {
                for (int i = 0; i < 2_000; i++) {
                  tx.update(
                      "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
                          + " max_attempts, budget, created_at) VALUES (?, 'work', '', '{}',"
                          + " 'queued', 0, 0, 3, 3, 0)",
                      "t" + i);
                }
                return null;
              });
      assertThat(kept(store)).isEqualTo(counted(store)).containsEntry("queued", 2_000L);
      long pending = store.read(tx -> tx.count("SELECT COUNT(*) FROM task_count_changes"));
      assertThat(pending).as("changes not folded yet").isLessThan(2_000);
    }
  }

  /** 400 tasks in batches of 20: half claimed and completed, a quarter cancelled. */
  private static Void churn(Store store, String who) throws SQLException {
    for (int batch = 0; batch < 20; batch++) {
      int first = batch * 20;
      store
          .writer()
          .execute(
              tx -> {
                for (int i = first; i < first + 20; i++) {
                  tx.update(
                      "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
                          + " max_attempts, budget, created_at) VALUES (?, ?, '', '{}', 'queued',"
                          + " 0, 0, 3, 3, 0)",
                      who + i,
                      i % 2 == 0 ? "work" : "build");
                }
                return null;
              });
      store
          .writer()
          .execute(
              tx ->
                  tx.update(
                      "UPDATE tasks SET status = 'running' WHERE id IN (SELECT id FROM tasks"
                          + " WHERE status = 'queued' AND id LIKE ? ORDER BY id LIMIT 10"
                          + " FOR UPDATE SKIP LOCKED)",
                      who + "%"));
      store
          .writer()
          .execute(
              tx -> {
                tx.update(
                    "UPDATE tasks SET status = 'succeeded' WHERE status = 'running' AND id LIKE ?",
                    who + "%");
                return tx.update(
                    "UPDATE tasks SET status = 'cancelled' WHERE id IN (SELECT id FROM tasks"
                        + " WHERE status = 'queued' AND id LIKE ? ORDER BY id LIMIT 5)",
                    who + "%");
              });
    }
    return null;
  }
}
