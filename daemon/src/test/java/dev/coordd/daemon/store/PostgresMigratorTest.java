package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.UnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations and opening on a real PostgreSQL: each test in a schema emptied of everything first,
 * in the class's own schema.
 */
class PostgresMigratorTest {
  static PostgresTestDatabase db;

  final PostgresDialect dialect = new PostgresDialect();

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresMigratorTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void emptySchema() throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA " + db.schema() + " CASCADE");
      st.execute("CREATE SCHEMA " + db.schema());
    }
  }

  Migrator shipped() {
    return new Migrator(dialect, dialect.migrationFolder(), dialect.migrations());
  }

  @Test
  void a_fresh_schema_gets_every_version_and_a_second_run_applies_nothing() throws Exception {
    try (Connection c = db.connect()) {
      assertThat(shipped().migrate(c)).isEqualTo(12);
      assertThat(shipped().currentVersion(c)).isEqualTo(12);
      assertThat(tables(c))
          .contains("tasks", "task_runs", "agents", "events", "locks", "schedules", "queue_types");
    }
    try (Connection c = db.connect()) {
      assertThat(shipped().migrate(c)).isZero();
      assertThat(shipped().currentVersion(c)).isEqualTo(12);
    }
    db.open(1).close();
  }

  @Test
  void two_daemons_migrating_at_once_both_succeed_and_the_files_apply_once() throws Exception {
    int daemons = 4;
    CyclicBarrier start = new CyclicBarrier(daemons);
    ExecutorService pool = Executors.newFixedThreadPool(daemons);
    try {
      List<Future<Integer>> applied = new ArrayList<>();
      for (int i = 0; i < daemons; i++) {
        Callable<Integer> migrate =
            () -> {
              try (Connection c = db.connect()) {
                start.await(10, TimeUnit.SECONDS);
                return shipped().migrate(c);
              }
            };
        applied.add(pool.submit(migrate));
      }
      int total = 0;
      for (Future<Integer> f : applied) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(12);
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = db.connect()) {
      assertThat(shipped().currentVersion(c)).isEqualTo(12);
      assertThat(count(c, "SELECT COUNT(*) FROM schema_version")).isEqualTo(12);
      assertThat(count(c, "SELECT COUNT(*) FROM schema_checksums")).isEqualTo(12);
    }
  }

  @Test
  void two_stores_opening_at_once_both_open() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      Callable<Store> open =
          () -> {
            start.await(10, TimeUnit.SECONDS);
            return db.open(1);
          };
      Future<Store> a = pool.submit(open);
      Future<Store> b = pool.submit(open);
      a.get(60, TimeUnit.SECONDS).close();
      b.get(60, TimeUnit.SECONDS).close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_store_newer_than_this_coordd_is_refused_untouched() throws Exception {
    try (Connection c = db.connect()) {
      shipped().migrate(c);
      execute(c, "INSERT INTO schema_version (version, name, applied_at) VALUES (13, 'future', 0)");
      assertThatThrownBy(() -> shipped().migrate(c))
          .hasMessageContaining("schema version 13")
          .hasMessageContaining("use a newer coordd");
      assertThat(shipped().currentVersion(c)).isEqualTo(13);
    }
    assertThatThrownBy(() -> db.open(1)).hasMessageContaining("use a newer coordd");
  }

  @Test
  void a_failing_migration_rolls_back_and_leaves_the_version_unchanged() throws Exception {
    Migrator failing =
        new Migrator(dialect, "/db-test/failing", List.of("V1__base.sql", "V2__broken.sql"));
    try (Connection c = db.connect()) {
      assertThatThrownBy(() -> failing.migrate(c))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no_such_table");
      assertThat(failing.currentVersion(c)).isEqualTo(1);
      assertThat(tables(c)).contains("base").doesNotContain("half_done");
    }
    // the advisory lock was let go: another session takes it at once
    try (Connection other = db.connect()) {
      assertThat(
              count(
                  other,
                  "SELECT CASE WHEN pg_try_advisory_lock(hashtext('coordd.migrate.' ||"
                      + " current_schema())) THEN 1 ELSE 0 END"))
          .isEqualTo(1);
    }
  }

  @Test
  void a_store_whose_applied_migration_differs_from_the_shipped_one_is_refused() throws Exception {
    try (Connection c = db.connect()) {
      shipped().migrate(c);
      execute(c, "UPDATE schema_checksums SET checksum = 'edited' WHERE version = 3");
    }
    assertThatThrownBy(() -> db.open(1))
        .hasMessageContaining("migration V3__due_index.sql of this coordd differs")
        .hasMessageContaining("use the coordd release that created it");
  }

  @Test
  void a_missing_schema_is_named_with_how_to_create_it() {
    String url = db.url().replace(db.schema(), db.schema() + "_missing");
    assertThatThrownBy(() -> StoreFactory.open(StoreSettings.postgres(url, 1)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("currentSchema")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("CREATE SCHEMA");
  }

  @Test
  void an_unreachable_server_says_what_to_check_and_hides_the_password() {
    String url = "jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=s3cret";
    assertThatThrownBy(
            () ->
                StoreFactory.open(StoreSettings.postgres(url, 1, java.time.Duration.ofSeconds(2))))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("cannot connect to PostgreSQL at")
        .hasMessageContaining("password=***")
        .hasMessageContaining("pg_isready")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void a_missing_database_says_to_create_it() {
    String url = "jdbc:postgresql://127.0.0.1:5432/coordd_no_such_db?user=postgres";
    assertThatThrownBy(() -> StoreFactory.open(StoreSettings.postgres(url, 1)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("createdb");
  }

  @Test
  void a_url_of_another_database_is_refused_with_the_expected_form() {
    assertThatThrownBy(() -> StoreFactory.open(StoreSettings.postgres("jdbc:mysql://db/coordd", 1)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("not a PostgreSQL JDBC url")
        .hasMessageContaining("jdbc:postgresql://HOST:5432/DATABASE");
  }

  private static List<String> tables(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      return names;
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String statement) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
