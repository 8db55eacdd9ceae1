package dev.coordd.daemon.cluster;

import dev.coordd.daemon.notify.PgNotifier;
import dev.coordd.daemon.store.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store tests' {@link PostgresTestDatabase} (a schema of its own per test class; skipped loudly
 * without PostgreSQL, a failure under {@code CI=true}) with what cluster tests add: new connections
 * named after the schema in {@code pg_stat_activity}, and killing one.
 */
public final class PgTestSchema implements AutoCloseable {
  private final PostgresTestDatabase db;

  private PgTestSchema(PostgresTestDatabase db) {
    this.db = db;
  }

  public static PgTestSchema create(Class<?> owner) {
    return new PgTestSchema(PostgresTestDatabase.create(owner));
  }

  public PostgresTestDatabase database() {
    return db;
  }

  public String schema() {
    return db.schema();
  }

  /** The schema's url; its connections carry the schema's name as their application name. */
  public String url() {
    return db.url() + "&ApplicationName=" + db.schema();
  }

  public PgNotifier.Connector connector() {
    return () -> DriverManager.getConnection(url());
  }

  /** A connection outside anything under test. */
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
    db.close();
  }
}
