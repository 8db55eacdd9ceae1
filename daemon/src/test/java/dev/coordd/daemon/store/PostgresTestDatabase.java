package dev.coordd.daemon.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * A schema of its own in the test PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code
 * postgres}, trust auth) for one test class: created fresh, dropped with everything in it by {@link
 * #drop}. When PostgreSQL does not answer, {@link #create} fails the test under {@code CI=true} (CI
 * must never pass by skipping) and otherwise skips it with a loud line on stderr.
 *
 * <p>The server can be moved with {@code COORDD_TEST_PG_URL} (a JDBC url without a schema, e.g.
 * {@code jdbc:postgresql://db:5432/test?user=postgres}).
 */
public final class PostgresTestDatabase implements AutoCloseable {
  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private final String baseUrl;
  private final String schema;

  private PostgresTestDatabase(String baseUrl, String schema) {
    this.baseUrl = baseUrl;
    this.schema = schema;
  }

  /** A fresh schema named after {@code owner} (a test class) and a random suffix. */
  public static PostgresTestDatabase create(Class<?> owner) {
    String base = System.getenv().getOrDefault("COORDD_TEST_PG_URL", DEFAULT_URL);
    String schema = schemaName(owner);
    try (Connection c = DriverManager.getConnection(withParameter(base, "connectTimeout=3"));
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String message =
          "PostgreSQL is not reachable at "
              + base
              + " ("
              + e.getMessage()
              + "): start it (e.g. `pg_ctlcluster 15 main start` or `service postgresql start`)"
              + " or point COORDD_TEST_PG_URL at one";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + message, e);
      }
      System.err.println("!!!!! SKIPPING " + owner.getSimpleName() + ": " + message);
      Assumptions.abort(message);
    }
    return new PostgresTestDatabase(base, schema);
  }

  /** Lower-case, letters, digits and underscores only, well under PostgreSQL's 63 bytes. */
  static String schemaName(Class<?> owner) {
    String name = owner.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    byte[] suffix = new byte[4];
    new SecureRandom().nextBytes(suffix);
    return (name.length() > 40 ? name.substring(0, 40) : name)
        + "_"
        + HexFormat.of().formatHex(suffix);
  }

  private static String withParameter(String url, String parameter) {
    return url + (url.contains("?") ? "&" : "?") + parameter;
  }

  public String schema() {
    return schema;
  }

  /** The JDBC url of this schema, as a daemon's {@code store.url} would name it. */
  public String url() {
    return withParameter(baseUrl, "currentSchema=" + schema);
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  /** A store on this schema, migrated; the caller closes it. */
  public Store open(int pool) {
    return StoreFactory.open(StoreSettings.postgres(url(), pool));
  }

  /**
   * Empties every table but the version and checksum bookkeeping and restarts the sequences, so
   * each test of a class starts on an empty store as it would on a new SQLite file.
   */
  public void truncateAll() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute(
          "DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables"
              + " WHERE schemaname = current_schema()"
              + " AND tablename NOT IN ('schema_version', 'schema_checksums') LOOP"
              + " EXECUTE format('TRUNCATE %I RESTART IDENTITY CASCADE', t); END LOOP; END $$");
    }
  }

  public void drop() throws SQLException {
    try (Connection c = DriverManager.getConnection(baseUrl);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Override
  public void close() throws SQLException {
    drop();
  }
}
