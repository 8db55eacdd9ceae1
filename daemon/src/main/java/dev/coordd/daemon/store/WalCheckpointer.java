package dev.coordd.daemon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log back into the database in the background: a PASSIVE checkpoint on
 * a connection of its own every {@link #PERIOD_MS}. Left to SQLite, the commit that crosses the
 * log's threshold runs the checkpoint itself, and with it a sync of the database file: that
 * commit's caller waits several times as long as any other (the create → start p99). The writer's
 * own threshold stays, raised, as a safety net should this thread fall behind. A passive checkpoint
 * takes no lock a writer or reader waits for. Thread-safe.
 */
final class WalCheckpointer implements AutoCloseable {
  static final long PERIOD_MS = 200;

  /** The writer's own threshold, in pages: only reached if this thread stops keeping up. */
  static final int WRITER_THRESHOLD_PAGES = 10_000;

  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  private final Connection connection;
  private final Thread thread;
  private volatile boolean closed;

  WalCheckpointer(Connection connection) {
    this.connection = connection;
    this.thread = Thread.ofPlatform().daemon(true).name("coordd-checkpoint").start(this::run);
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        rs.next(); // busy, frames in the log, frames copied: nothing to act on
      } catch (SQLException e) {
        if (!closed) {
          log.debug("background checkpoint: {}", e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing the checkpoint connection: {}", e.getMessage());
    }
  }
}
