package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The batched-writes contract on PostgreSQL, where a group runs as set-based statements: one schema
 * for the class, emptied before each test, dropped after the last.
 */
class PostgresBatchedWritesTest extends BatchedWritesContractTest {
  static PostgresTestDatabase db;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresBatchedWritesTest.class);
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
