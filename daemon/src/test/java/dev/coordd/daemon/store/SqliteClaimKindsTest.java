package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.time.Duration;

/** The claim's kinds on a SQLite file. */
class SqliteClaimKindsTest extends ClaimKindsTest {
  @Override
  StoreSettings storeSettings(Path dir) {
    return StoreSettings.sqlite(dir.resolve("claims.db"), "NORMAL", Duration.ofSeconds(5));
  }
}
