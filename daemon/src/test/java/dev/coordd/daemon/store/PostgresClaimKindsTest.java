package dev.coordd.daemon.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The claim's kinds on PostgreSQL. */
class PostgresClaimKindsTest extends ClaimKindsTest {
  static PostgresTestDatabase db;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresClaimKindsTest.class);
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
}
