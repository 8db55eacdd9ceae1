package dev.coordd.daemon.notify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening half of a {@link PgNotifier}: a thread that holds a connection in {@code LISTEN}
 * and publishes locally what the other daemons sent, skipping its own daemon's payloads.
 *
 * <p>NOTIFY is best effort: a notification sent while the listener reconnects is lost. So every
 * poll interval the listener asks its connection whether it still answers (a partitioned connection
 * raises nothing) and looks again: it moves every generation channel and publishes, locally only,
 * one {@link Change.TaskAvailable} per type and assignee with queued, due work, because claim
 * waiters never poll. A lost connection is logged once at WARN, retried with backoff, and its
 * recovery logged at INFO, followed by a look-again. Thread-safe.
 */
final class PgNotifierListener {
  /** The listener wakes at least this often, so a close never waits long for it. */
  static final int SLICE_MS = 500;

  private static final int VALID_TIMEOUT_S = 2;
  private static final Logger log = LoggerFactory.getLogger(PgNotifierListener.class);

  private final LocalNotifier local;
  private final PgNotifier.Connector connector;
  private final String channel;
  private final String origin;
  private final long pollNanos;
  private final Supplier<? extends Collection<Change.TaskAvailable>> claimable;
  private final AtomicBoolean warnedBadPayload = new AtomicBoolean();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong lookedAgain = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;
  private volatile int backendPid;
  // the thread's (and the constructor's, before it runs); close() aborts it to end a blocked read
  private volatile Connection connection;

  /**
   * @param listening a connection already listening on {@code channel}, so nothing sent after the
   *     notifier started is missed
   */
  PgNotifierListener(
      LocalNotifier local,
      PgNotifier.Connector connector,
      Connection listening,
      String channel,
      String origin,
      Duration pollInterval,
      Supplier<? extends Collection<Change.TaskAvailable>> claimable)
      throws SQLException {
    this.local = local;
    this.connector = connector;
    this.connection = listening;
    this.channel = channel;
    this.origin = origin;
    this.pollNanos = pollInterval.toNanos();
    this.claimable = claimable;
    this.backendPid = backendPid(listening);
    this.thread =
        Thread.ofPlatform().name("coordd-notify-listen").daemon(true).unstarted(this::run);
  }

  static void listenOn(Connection c, String channel) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
    }
  }

  private static int backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  void start() {
    thread.start();
  }

  void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // ends a blocked read now
      } catch (SQLException | RuntimeException e) {
        thread.interrupt(); // it wakes within SLICE_MS anyway
      }
    }
    PgNotifier.join(thread, 2L * SLICE_MS);
  }

  long received() {
    return received.get();
  }

  long lookedAgain() {
    return lookedAgain.get();
  }

  int backendPid() {
    return backendPid;
  }

  private void run() {
    long backoff = PgNotifier.FIRST_BACKOFF_MS;
    boolean down = false;
    long nextLook = System.nanoTime() + pollNanos;
    while (!closed) {
      try {
        if (connection == null) {
          connect();
          if (down) {
            log.info(
                "the listener connection to PostgreSQL is back; wake-ups from other daemons"
                    + " resume");
            down = false;
            backoff = PgNotifier.FIRST_BACKOFF_MS;
          }
          lookAgain(); // what was sent while we were away is lost
          nextLook = System.nanoTime() + pollNanos;
        }
        long waitMs = Math.max(1, (nextLook - System.nanoTime()) / 1_000_000);
        PGNotification[] got =
            connection
                .unwrap(PGConnection.class)
                .getNotifications((int) Math.min(waitMs, SLICE_MS));
        if (got != null) {
          for (PGNotification n : got) {
            receive(n.getParameter());
          }
        }
        if (System.nanoTime() - nextLook >= 0) {
          nextLook = System.nanoTime() + pollNanos;
          if (!connection.isValid(VALID_TIMEOUT_S)) {
            throw new SQLException("the listener connection stopped answering");
          }
          lookAgain();
        }
      } catch (SQLException e) {
        if (closed) {
          break;
        }
        PgNotifier.closeQuietly(connection);
        connection = null;
        if (!down) {
          down = true;
          log.warn(
              "lost the listener connection to PostgreSQL ({}); changes from other daemons are"
                  + " noticed at each poll until it is back; reconnecting",
              e.getMessage());
        }
        if (!PgNotifier.sleep(backoff)) {
          break;
        }
        backoff = Math.min(backoff * 2, PgNotifier.MAX_BACKOFF_MS);
      } catch (RuntimeException e) {
        // e.g. the store read of claimable work failed; the next round tries again
        log.warn("looking again for other daemons' changes failed; the next poll retries", e);
        if (!PgNotifier.sleep(backoff)) {
          break;
        }
      }
    }
    PgNotifier.closeQuietly(connection);
    connection = null;
  }

  private void connect() throws SQLException {
    Connection c = connector.open();
    try {
      c.setAutoCommit(true);
      listenOn(c, channel);
      backendPid = backendPid(c);
    } catch (SQLException e) {
      PgNotifier.closeQuietly(c);
      throw e;
    }
    connection = c;
  }

  private void receive(String payload) {
    PgNotifierCodec.Received r;
    try {
      r = PgNotifierCodec.decode(payload);
    } catch (RuntimeException e) {
      // Anyone who may connect can NOTIFY on our channel: ignore it, without flooding the log.
      if (!warnedBadPayload.getAndSet(true)) {
        log.warn(
            "ignored a notification on {} that is not from a coordd daemon ({}); later ones are"
                + " logged at DEBUG",
            channel,
            e.getMessage());
      } else {
        log.debug("ignored a notification on {}: {}", channel, e.getMessage());
      }
      return;
    }
    if (r.origin().equals(origin)) {
      return;
    }
    for (Change c : r.changes()) {
      local.publish(c);
      received.incrementAndGet();
    }
    if (r.lookAgain()) {
      lookAgain();
    }
  }

  /** Generation waiters re-read; one claimer per type and assignee with due work wakes. */
  private void lookAgain() {
    lookedAgain.incrementAndGet();
    local.advanceAll();
    for (Change.TaskAvailable t : claimable.get()) {
      local.publish(t); // locally only: every daemon looks again for itself
    }
  }
}
