package dev.coordd.daemon.cluster;

import dev.coordd.daemon.notify.PgNotifier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema on the local PostgreSQL for one test class, dropped with everything in it on
 * close. Without a reachable PostgreSQL the test is skipped with a loud message, except under
 * {@code CI=true}, where it fails: CI must never pass by skipping.
 */
public final class PgTestSchema implements AutoCloseable {
  public static final String SERVER =
      System.getenv().getOrDefault("COORDD_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String USER = "postgres";

  private final String schema;

  private PgTestSchema(String schema) {
    this.schema = schema;
  }

  public static PgTestSchema create(String prefix) {
    String schema =
        prefix.toLowerCase() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String why =
          "PostgreSQL at "
              + SERVER
              + " (user "
              + USER
              + ") cannot be reached: "
              + e.getMessage()
              + ". Start it (e.g. service postgresql start) to run the cluster tests.";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why, e);
      }
      System.err.println("SKIPPED (no PostgreSQL): " + why);
      Assumptions.abort(why);
    }
    return new PgTestSchema(schema);
  }

  public String schema() {
    return schema;
  }

  /** A JDBC url whose connections work in this schema, named after it in pg_stat_activity. */
  public String url() {
    return SERVER
        + (SERVER.contains("?") ? "&" : "?")
        + "user="
        + USER
        + "&currentSchema="
        + schema
        + "&ApplicationName="
        + schema;
  }

  public PgNotifier.Connector connector() {
    return () -> DriverManager.getConnection(url());
  }

  /** A connection outside anything under test, e.g. to terminate another's backend. */
  public Connection admin() throws SQLException {
    return DriverManager.getConnection(url());
  }

  /** Ends the server process {@code pid}, as a failover or an operator would. */
  public void terminate(int pid) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + pid + ")");
    }
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
