package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on PostgreSQL: one schema for the class, emptied before each test, dropped
 * after the last.
 */
class PostgresStoreContractTest extends StoreContractTest {
  static PostgresTestDatabase db;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresStoreContractTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void emptyStore() throws SQLException {
    db.open(1).close(); // migrated, so there are tables to empty
    db.truncateAll();
  }

  @Override
  protected StoreSettings storeSettings(Path dir) {
    return StoreSettings.postgres(db.url(), 4);
  }
}
