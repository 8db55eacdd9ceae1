package dev.coordd.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty store for one run of one system: a folder for SQLite files, or a schema of its own
 * in PostgreSQL, dropped with everything in it at {@link #close}. Durability is each store's
 * durable default, the same for every system: SQLite in WAL mode with {@code synchronous=FULL}
 * (coordd's default; set on the peers' connections), PostgreSQL with the server's default {@code
 * fsync} and {@code synchronous_commit}.
 */
public final class StoreTarget implements AutoCloseable {
  private final StoreKind kind;
  private final Path dir;
  private final String pgBase;
  private final String schema;

  private StoreTarget(StoreKind kind, Path dir, String pgBase, String schema) {
    this.kind = kind;
    this.dir = dir;
    this.pgBase = pgBase;
    this.schema = schema;
  }

  /** {@code dir} is the run's own folder (the daemon's home for coordd). */
  public static StoreTarget create(StoreKind kind, Path dir, String pgUrl, String label) {
    if (kind == StoreKind.SQLITE) {
      return new StoreTarget(kind, dir, null, null);
    }
    String schema =
        "bench_"
            + label.replaceAll("[^a-z0-9]", "_")
            + "_"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0x7fffffff);
    try (Connection c = DriverManager.getConnection(pgUrl);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(unreachable(pgUrl, e), e);
    }
    return new StoreTarget(kind, dir, pgUrl, schema);
  }

  /** Why PostgreSQL cannot be used, and how to fix it. */
  public static String unreachable(String pgUrl, SQLException e) {
    return "PostgreSQL is not reachable at "
        + pgUrl
        + " ("
        + e.getMessage()
        + "): start it (e.g. `pg_ctlcluster 15 main start`) or name another with --pg-url";
  }

  /** True when PostgreSQL answers at {@code pgUrl}. */
  public static boolean reachable(String pgUrl) {
    try (Connection c = DriverManager.getConnection(withParameter(pgUrl, "connectTimeout=3"))) {
      return c.isValid(3);
    } catch (SQLException e) {
      return false;
    }
  }

  public StoreKind kind() {
    return kind;
  }

  /** The daemon settings ({@code --set}) that put a coordd daemon on this store. */
  public Map<String, String> daemonSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    if (kind == StoreKind.POSTGRES) {
      s.put("store.kind", "postgres");
      s.put("store.url", url());
    }
    return s;
  }

  /** The JDBC url of this store for a peer: its own SQLite file, or this schema. */
  public String url() {
    if (kind == StoreKind.POSTGRES) {
      return withParameter(pgBase, "currentSchema=" + schema);
    }
    return "jdbc:sqlite:"
        + dir.resolve("peer.db")
        + "?journal_mode=WAL&synchronous=FULL&busy_timeout=30000"
        // SQLite has one writer. A deferred transaction that reads and then writes fails at once
        // with SQLITE_BUSY when another connection wrote meanwhile (the busy timeout does not
        // apply there); IMMEDIATE takes the write lock at BEGIN, where the timeout waits.
        + "&transaction_mode=IMMEDIATE";
  }

  /** A pool on this store for a peer, {@code size} connections. */
  public HikariDataSource dataSource(int size) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setMaximumPoolSize(size);
    config.setPoolName("bench-" + kind.label());
    return new HikariDataSource(config);
  }

  private static String withParameter(String url, String parameter) {
    return url + (url.contains("?") ? "&" : "?") + parameter;
  }

  @Override
  public void close() {
    if (schema == null) {
      return;
    }
    try (Connection c = DriverManager.getConnection(pgBase);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("coordd bench: could not drop schema " + schema + ": " + e.getMessage());
    }
  }
}
