package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log is copied back into the database file in the background, well before the
 * writer's own (raised) threshold, so no commit pays for a checkpoint.
 */
class WalCheckpointerTest {
  @TempDir Path dir;

  @Test
  void the_log_reaches_the_database_file_without_the_writer_checkpointing() throws Exception {
    Path file = dir.resolve("wal.db");
    try (Store store =
        StoreFactory.open(StoreSettings.sqlite(file, "FULL", Duration.ofSeconds(5)))) {
      long threshold = store.writer().execute(tx -> tx.count("PRAGMA wal_autocheckpoint"));
      assertThat(threshold).isEqualTo((long) WalCheckpointer.WRITER_THRESHOLD_PAGES);
      long before = Files.size(file);
      // About 8 MB in one commit: some 2,000 pages, a fifth of the writer's threshold.
      store
          .writer()
          .execute(
              tx -> {
                tx.update("CREATE TABLE scratch (b BLOB)");
                return tx.update(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                        + " INSERT INTO scratch SELECT randomblob(4000) FROM n");
              });
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (Files.size(file) < before + 8_000_000 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertThat(Files.size(file)).isGreaterThan(before + 8_000_000);
    }
  }
}
