package dev.coordd.daemon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.api.UnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Opens a store in PostgreSQL: the writer's connection, the migrations (under the dialect's
 * advisory lock, so daemons starting together migrate once) and a HikariCP pool of read-only
 * connections. Every way of failing to get there says what to check, with the url's password
 * blanked out.
 */
final class PostgresStores {
  static final String URL_PREFIX = "jdbc:postgresql:";

  /** {@code gen_random_uuid} (the claim token) is built in from 13 on. */
  private static final int MIN_VERSION_NUM = 130000;

  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private PostgresStores() {}

  static Store open(StoreSettings settings) {
    String url = settings.url();
    if (!url.startsWith(URL_PREFIX)) {
      throw new UnavailableException(
          "store.url '"
              + redact(url)
              + "' is not a PostgreSQL JDBC url; write it as"
              + " jdbc:postgresql://HOST:5432/DATABASE (optionally ?currentSchema=SCHEMA)");
    }
    PostgresDialect dialect = new PostgresDialect();
    Connection writerConnection = null;
    try {
      writerConnection = connect(url, settings);
      checkServer(writerConnection, url);
      // Before configure: its lock_timeout would cut short the wait for another daemon's migration.
      new Migrator(dialect, dialect.migrationFolder(), dialect.migrations())
          .migrate(writerConnection);
      dialect.configure(writerConnection);
      HikariDataSource readers = readers(dialect, url, settings);
      try {
        return new Store(
            dialect, writerConnection, readers, () -> writerConnection(url, settings, dialect));
      } catch (SQLException | RuntimeException e) {
        readers.close();
        throw e;
      }
    } catch (SQLException e) {
      StoreFactory.closeQuietly(writerConnection);
      throw new UnavailableException(
          "cannot open the PostgreSQL store at " + redact(url) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      StoreFactory.closeQuietly(writerConnection);
      throw e;
    }
  }

  /** A new writer connection after the first was lost: no migration, the schema is there. */
  private static Connection writerConnection(
      String url, StoreSettings settings, PostgresDialect dialect) throws SQLException {
    Connection c = DriverManager.getConnection(url, defaults(settings));
    try {
      dialect.configure(c);
      return c;
    } catch (SQLException e) {
      StoreFactory.closeQuietly(c);
      throw e;
    }
  }

  private static Connection connect(String url, StoreSettings settings) {
    Properties props = defaults(settings);
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new UnavailableException(unreachable(url, e), e);
    }
  }

  /** Defaults the url may override: a name in pg_stat_activity, a bounded wait to connect. */
  private static Properties defaults(StoreSettings settings) {
    Properties props = new Properties();
    props.setProperty("ApplicationName", "coordd");
    props.setProperty(
        "connectTimeout", Long.toString(Math.max(1, settings.busyTimeout().toSeconds())));
    props.setProperty("tcpKeepAlive", "true");
    return props;
  }

  /** What went wrong connecting, told by SQLState, and what to check. */
  static String unreachable(String url, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = redact(url);
    String check =
        switch (state) {
          case "28000", "28P01" ->
              "PostgreSQL refused the login; check the user and password in store.url"
                  + " (?user=NAME&password=…) and that pg_hba.conf lets that user in from here";
          case "3D000" ->
              "the database in store.url does not exist; create it (createdb NAME) or fix the url";
          case "08001", "08004", "08006" ->
              "check that PostgreSQL is running and listens at the host and port of store.url"
                  + " (pg_isready -h HOST -p PORT) and that no firewall is in the way";
          default -> "check store.url and that PostgreSQL is running and answers there";
        };
    return "cannot connect to PostgreSQL at " + where + ": " + e.getMessage() + "; " + check;
  }

  /** Refuses a server too old for our SQL and a url whose currentSchema does not exist. */
  private static void checkServer(Connection c, String url) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_setting('server_version_num')::integer, current_schema()")) {
      rs.next();
      int version = rs.getInt(1);
      if (version < MIN_VERSION_NUM) {
        throw new UnavailableException(
            "the PostgreSQL at "
                + redact(url)
                + " is version "
                + version
                + "; coordd needs PostgreSQL 13 or newer");
      }
      if (rs.getString(2) == null) {
        throw new UnavailableException(
            "the schema that store.url names (currentSchema) does not exist in "
                + redact(url)
                + "; create it (CREATE SCHEMA name) or remove currentSchema to use public");
      }
    }
  }

  private static HikariDataSource readers(
      PostgresDialect dialect, String url, StoreSettings settings) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setDataSourceProperties(defaults(settings));
    hc.setPoolName("coordd-readers");
    hc.setMaximumPoolSize(settings.pool());
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    hc.setConnectionTimeout(Math.max(250, settings.busyTimeout().toMillis()));
    hc.setConnectionInitSql(dialect.readOnly());
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      SQLException cause = e.getCause() instanceof SQLException s ? s : new SQLException(e);
      throw new UnavailableException("the read pool: " + unreachable(url, cause), e);
    }
  }

  /** The url with any password blanked, fit for messages and logs. */
  static String redact(String url) {
    return PASSWORD.matcher(url).replaceAll("$1***");
  }
}
