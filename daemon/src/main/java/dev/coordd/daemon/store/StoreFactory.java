package dev.coordd.daemon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the store the settings name, creating and migrating it as needed. The one place that knows
 * which databases exist: a new backend is a case here, a dialect and its migrations.
 */
public final class StoreFactory {
  private StoreFactory() {}

  public static Store open(StoreSettings settings) {
    return switch (settings.kind()) {
      case SQLITE -> openSqlite(settings);
      case POSTGRES -> PostgresStores.open(settings);
    };
  }

  private static Store openSqlite(StoreSettings settings) {
    SqliteDialect dialect =
        new SqliteDialect(settings.synchronous(), settings.busyTimeout().toMillis());
    String url = "jdbc:sqlite:" + settings.file().toAbsolutePath();
    createPrivately(settings.file());
    Connection writerConnection = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      // IMMEDIATE: the writer takes the write lock when a batch begins, not halfway through it.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      // No generated-keys lookup after every insert: nothing reads them, and it costs a query.
      config.setGetGeneratedKeys(false);
      writerConnection = DriverManager.getConnection(url, config.toProperties());
      dialect.configure(writerConnection);
      new Migrator(dialect, dialect.migrationFolder(), dialect.migrations())
          .migrate(writerConnection);
      try (Statement st = writerConnection.createStatement()) {
        st.execute("PRAGMA wal_autocheckpoint = " + WalCheckpointer.WRITER_THRESHOLD_PAGES);
      }
      HikariDataSource readers =
          sqliteReaders(dialect, url, settings.busyTimeout(), settings.pool());
      WalCheckpointer checkpointer = null;
      try {
        Connection c = DriverManager.getConnection(url, checkpointConfig(settings).toProperties());
        checkpointer = new WalCheckpointer(c);
        return new Store(dialect, writerConnection, readers, checkpointer);
      } catch (SQLException | RuntimeException e) {
        if (checkpointer != null) {
          checkpointer.close();
        }
        readers.close();
        throw e;
      }
    } catch (SQLException e) {
      closeQuietly(writerConnection);
      throw new UnavailableException(
          "cannot open the store " + settings.file() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(writerConnection);
      throw e;
    }
  }

  private static SQLiteConfig checkpointConfig(StoreSettings settings) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, settings.busyTimeout().toMillis()));
    return config;
  }

  /**
   * SQLite creates the database with the umask's mode and its {@code -wal}, {@code -shm} and {@code
   * -journal} files with the database's mode, so the database is created here, 0600, before SQLite
   * opens it; one left looser by an earlier version is tightened with its companions.
   */
  private static void createPrivately(Path file) {
    try {
      PrivateFiles.ensureFile(file);
      for (String suffix : List.of("-wal", "-shm", "-journal")) {
        PrivateFiles.tighten(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UnavailableException(
          "cannot create the store "
              + file
              + ": "
              + e
              + "; check that its folder exists and is writable by you",
          e);
    }
  }

  private static HikariDataSource sqliteReaders(
      SqliteDialect dialect, String url, Duration busyTimeout, int size) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    config.setTempStore(SQLiteConfig.TempStore.MEMORY); // sorts of paged reads: small, no file
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl(url);
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("coordd-readers");
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    hc.setConnectionInitSql(dialect.readOnly());
    return new HikariDataSource(hc);
  }

  static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one to report
      }
    }
  }
}
