package dev.coordd.daemon.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.coordd.api.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The database behind a daemon: one writer connection owned by the {@link StoreWriter}, a small
 * pool for reads (beside the writer), and the dialect's SQL. Opened by {@link StoreFactory}.
 * Thread-safe.
 */
public final class Store implements AutoCloseable {
  private final SqlDialect sql;
  private final StoreWriter writer;
  private final HikariDataSource readers;
  private final WalCheckpointer checkpointer; // null but on SQLite

  Store(SqlDialect sql, Connection writerConnection, HikariDataSource readers) throws SQLException {
    this(sql, writerConnection, readers, null, null);
  }

  /** A SQLite file, whose log {@code checkpointer} copies back in the background. */
  Store(
      SqlDialect sql,
      Connection writerConnection,
      HikariDataSource readers,
      WalCheckpointer checkpointer)
      throws SQLException {
    this(sql, writerConnection, readers, null, checkpointer);
  }

  /** With {@code reconnect}: the writer opens a new connection when the database drops its own. */
  Store(
      SqlDialect sql,
      Connection writerConnection,
      HikariDataSource readers,
      StoreWriter.Reconnect reconnect)
      throws SQLException {
    this(sql, writerConnection, readers, reconnect, null);
  }

  private Store(
      SqlDialect sql,
      Connection writerConnection,
      HikariDataSource readers,
      StoreWriter.Reconnect reconnect,
      WalCheckpointer checkpointer)
      throws SQLException {
    this.sql = sql;
    this.readers = readers;
    this.checkpointer = checkpointer;
    this.writer = new StoreWriter(writerConnection, sql, reconnect);
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
      return fn.apply(new Tx(c, sql, false));
    } catch (SQLException e) {
      throw new UnavailableException("store read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.close();
    }
    writer.close();
    readers.close();
  }
}
