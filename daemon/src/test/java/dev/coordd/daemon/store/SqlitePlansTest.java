package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries that run on every idle moment or housekeeping tick read a range of their index, never
 * every queued row: SQLite's planner, without statistics, prefers the status index for them.
 */
class SqlitePlansTest {
  @TempDir Path dir;

  /** The plan's lines; the query's parameters all bound to 0. */
  private static List<String> plan(Store store, String sql, int parameters) {
    Object[] zeros = new Object[parameters];
    java.util.Arrays.fill(zeros, 0L);
    return store.read(
        tx -> tx.query("EXPLAIN QUERY PLAN " + sql, rs -> rs.getString("detail"), zeros));
  }

  @Test
  void the_next_due_time_and_the_newly_due_read_the_due_index() {
    try (Store store =
        StoreFactory.open(
            StoreSettings.sqlite(dir.resolve("plans.db"), "NORMAL", Duration.ofSeconds(5)))) {
      TaskSql sql = new SqliteDialect("NORMAL", 5_000).tasks();
      assertThat(plan(store, sql.nextRunAt(), 1))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("INDEX tasks_due (run_at>?)");
      assertThat(plan(store, sql.becameDue(), 2))
          .first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("USING INDEX tasks_due");
    }
  }
}
