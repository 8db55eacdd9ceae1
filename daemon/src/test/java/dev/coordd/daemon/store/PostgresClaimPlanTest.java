package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How PostgreSQL runs the claim, which decides whether its cost grows with the queue: the plans the
 * server picks for the statement the daemon sends, and the session settings it runs under. Plans,
 * not timings: a plan that reads the wrong index is wrong on any machine.
 */
class PostgresClaimPlanTest {
  static PostgresTestDatabase db;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresClaimPlanTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void emptyStore() throws SQLException {
    db.open(1).close();
    db.truncateAll();
  }

  /**
   * JIT compiled every claim once the queue made its estimated cost large, and a generic plan made
   * on a small table outlived its growth (PostgresDialect.PLANNING).
   */
  @Test
  void the_writer_and_every_reader_plan_afresh_without_jit_and_readers_stay_read_only()
      throws Exception {
    try (Store store = db.open(2)) {
      SqlFunction<Tx, String> jit = tx -> tx.queryOne("SHOW jit", rs -> rs.getString(1));
      SqlFunction<Tx, String> readOnly =
          tx -> tx.queryOne("SHOW transaction_read_only", rs -> rs.getString(1));
      assertThat(store.writer().execute(jit)).isEqualTo("off");
      assertThat(store.read(jit)).isEqualTo("off");
      assertThat(store.read(readOnly)).isEqualTo("on");
      SqlFunction<Tx, String> plans =
          tx -> tx.queryOne("SHOW plan_cache_mode", rs -> rs.getString(1));
      assertThat(store.writer().execute(plans)).isEqualTo("force_custom_plan");
      assertThat(store.read(plans)).isEqualTo("force_custom_plan");
    }
  }

  /**
   * One type outnumbers the rest, as in a queue fed by one busy producer: the planner, comparing
   * type with a parameter, once read tasks_claim_any filtered by type for a claim of a rare type,
   * walking past every queued task of the common one. Each claim variant must take its typed range
   * from tasks_claim_typed (V12).
   */
  @Test
  void a_typed_claim_reads_the_typed_index_however_common_another_type_is() throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
              + " max_attempts, budget, created_at)"
              + " SELECT 'common-' || lpad(i::text, 8, '0'), 'common', '', '{}', 'queued', 0, 1,"
              + " 3, 3, 1 FROM generate_series(1, 20000) i");
      // The statistics know one type; the rare one came after (or hid from ANALYZE's sample).
      st.execute("ANALYZE tasks");
      st.execute(
          "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
              + " max_attempts, budget, created_at)"
              + " SELECT 'rare-' || i, 'rare', '', '{}', 'queued', 0, 1, 3, 3, 1"
              + " FROM generate_series(1, 3) i");
      TaskSql sql = new PostgresDialect().tasks();
      assertThat(plan(c, sql.claim(""), List.of())).contains("Index Scan using tasks_claim_typed");
      assertThat(plan(c, sql.claim(TaskSql.CLAIM_EXCLUDING), List.of("[\"paused\"]")))
          .contains("Index Scan using tasks_claim_typed");
      assertThat(plan(c, sql.claim(TaskSql.CLAIM_OF_TYPE), List.of("rare")))
          .contains("Index Scan using tasks_claim_typed")
          .doesNotContain("tasks_claim_any");
    }
  }

  /** EXPLAIN of a claim of one task of type rare, bound as TaskLeases binds it. */
  private static String plan(Connection c, String claim, List<String> extra) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + claim)) {
      ps.setString(1, "w");
      ps.setLong(2, 60_001);
      ps.setLong(3, 1);
      ps.setString(4, "[\"rare\"]");
      ps.setInt(5, 1);
      ps.setNull(6, Types.VARCHAR);
      ps.setLong(7, 60_000);
      for (int i = 0; i < extra.size(); i++) {
        ps.setString(8 + i, extra.get(i));
      }
      StringBuilder out = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.append(rs.getString(1)).append('\n');
        }
      }
      return out.toString();
    }
  }
}
