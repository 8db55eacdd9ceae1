package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.time.Duration;

/** The batched-writes contract on a SQLite file. */
class SqliteBatchedWritesTest extends BatchedWritesContractTest {
  @Override
  protected StoreSettings storeSettings(Path dir) {
    return StoreSettings.sqlite(dir.resolve("batched.db"), "NORMAL", Duration.ofSeconds(5));
  }
}
