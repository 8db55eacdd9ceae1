package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.time.Duration;

/** The store contract on a SQLite file. */
class SqliteStoreContractTest extends StoreContractTest {
  @Override
  protected StoreSettings storeSettings(Path dir) {
    return StoreSettings.sqlite(dir.resolve("contract.db"), "NORMAL", Duration.ofSeconds(5));
  }
}
