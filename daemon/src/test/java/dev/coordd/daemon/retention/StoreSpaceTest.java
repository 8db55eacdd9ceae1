package dev.coordd.daemon.retention;

import static dev.coordd.daemon.retention.TaskRetentionTest.count;
import static dev.coordd.daemon.retention.TaskRetentionTest.insert;
import static dev.coordd.daemon.retention.TaskRetentionTest.pragma;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.StoreFactory;
import dev.coordd.daemon.store.StoreSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Space on stores created before incremental auto-vacuum, and passes started by the housekeeper.
 */
class StoreSpaceTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path dir;

  @Test
  void a_store_created_without_auto_vacuum_is_not_vacuumed_its_pages_are_reused() throws Exception {
    Path file = dir.resolve("old.db");
    // as an earlier coordd left it: a table created before auto_vacuum was ever asked for
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE earlier (x INTEGER)");
    }
    try (Store store =
        StoreFactory.open(StoreSettings.sqlite(file, "FULL", Duration.ofSeconds(5)))) {
      assertThat(pragma(store, "auto_vacuum")).isZero();
      insert(store, "old-", 20_000, "succeeded", 1_000);
      long pages = pragma(store, "page_count");
      TaskRetention retention = new TaskRetention(store);
      int deleted = 0;
      for (int n = -1; n != 0; ) {
        n = retention.pass(10 * DAY, 10 * DAY, () -> false);
        deleted += n;
      }
      assertThat(deleted).isEqualTo(20_000);
      assertThat(count(store, "SELECT COUNT(*) FROM tasks")).isZero();
      assertThat(pragma(store, "page_count"))
          .as("no VACUUM behind the user's back")
          .isEqualTo(pages);
      long free = pragma(store, "freelist_count");
      assertThat(free).isPositive();
      insert(store, "new-", 5_000, "succeeded", 1_000);
      assertThat(pragma(store, "freelist_count")).as("new rows reuse freed pages").isLessThan(free);
      assertThat(pragma(store, "page_count")).isEqualTo(pages);
    }
  }

  @Test
  void the_housekeeper_starts_passes_in_the_background_at_most_once_a_pause() throws Exception {
    try (DaemonFixture f =
        DaemonFixture.wokenOnlyByNotifications(dir, "retention.succeeded", "1d")) {
      Store store = f.daemon.engine().store();
      insert(store, "a-", 10, "succeeded", f.clock.millis() - 2 * DAY);
      f.advance(Duration.ofMillis(RetentionRunner.PAUSE_MS)); // a round kicks a pass
      awaitCount(f, "SELECT COUNT(*) FROM tasks WHERE id LIKE 'a-%'", 0);

      insert(store, "b-", 10, "succeeded", f.clock.millis() - 2 * DAY);
      f.advance(Duration.ofSeconds(1)); // within the pause: no pass
      DaemonFixture.sleep(200);
      assertThat(count(store, "SELECT COUNT(*) FROM tasks WHERE id LIKE 'b-%'")).isEqualTo(10);
      f.advance(Duration.ofMillis(RetentionRunner.PAUSE_MS));
      awaitCount(f, "SELECT COUNT(*) FROM tasks WHERE id LIKE 'b-%'", 0);
    }
  }

  /** Rounds at the same clock time until the count is reached (a pass may still be running). */
  private static void awaitCount(DaemonFixture f, String sql, long expected) {
    Store store = f.daemon.engine().store();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count(store, sql) != expected && System.nanoTime() < until) {
      DaemonFixture.sleep(10);
      f.daemon.engine().housekeeper().tick();
    }
    assertThat(count(store, sql)).isEqualTo(expected);
  }
}
