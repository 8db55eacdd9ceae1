package dev.coordd.daemon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.api.UnavailableException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The database behind a daemon: one writer connection owned by the {@link StoreWriter}, a small
 * pool for reads (WAL lets readers run beside the writer), and the dialect's SQL. Thread-safe.
 */
public final class Store implements AutoCloseable {
  private static final int READERS = 4;

  private final SqlDialect sql;
  private final StoreWriter writer;
  private final HikariDataSource readers;

  private Store(SqlDialect sql, Connection writerConnection, HikariDataSource readers)
      throws SQLException {
    this.sql = sql;
    this.readers = readers;
    this.writer = new StoreWriter(writerConnection);
  }

  /** Opens (creating if needed) and migrates the SQLite file. */
  public static Store openSqlite(Path file, String synchronous, Duration busyTimeout) {
    SqliteDialect dialect = new SqliteDialect(synchronous, busyTimeout.toMillis());
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection writerConnection = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      // IMMEDIATE: the writer takes the write lock when a batch begins, not halfway through it.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      // No generated-keys lookup after every insert: nothing reads them, and it costs a query.
      config.setGetGeneratedKeys(false);
      writerConnection = DriverManager.getConnection(url, config.toProperties());
      dialect.configure(writerConnection);
      new Migrator(dialect.migrationFolder(), dialect.migrations()).migrate(writerConnection);
      return new Store(dialect, writerConnection, sqliteReaders(url, busyTimeout));
    } catch (SQLException e) {
      closeQuietly(writerConnection);
      throw new UnavailableException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
  }

  private static HikariDataSource sqliteReaders(String url, Duration busyTimeout) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl(url);
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("coordd-readers");
    hc.setMaximumPoolSize(READERS);
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    hc.setConnectionInitSql("PRAGMA query_only = 1");
    return new HikariDataSource(hc);
  }

  public SqlDialect sql() {
    return sql;
  }

  public StoreWriter writer() {
    return writer;
  }

  /** Runs a read on a pooled connection, outside the writer's queue. */
  public <T> T read(SqlFunction<Tx, T> fn) {
    try (Connection c = readers.getConnection()) {
      return fn.apply(new Tx(c, false));
    } catch (SQLException e) {
      throw new UnavailableException("store read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    writer.close();
    readers.close();
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one to report
      }
    }
  }
}
