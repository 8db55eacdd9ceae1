package dev.coordd.daemon.cluster;

import dev.coordd.daemon.notify.PgNotifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership on a shared PostgreSQL store: the daemon that holds a session-level {@code
 * pg_try_advisory_lock} on its own connection leads. A thread tries for the lock every {@code
 * tryEvery} while it does not lead, and while it leads asks its connection whether it still
 * answers.
 *
 * <p>Why an advisory lock rather than a leader row with a lease: the lock lives exactly as long as
 * the leader's session, so a leader that dies, is killed or loses its connection loses the lock the
 * moment the server closes the session, with no lease to renew, no writes every round, and no clock
 * compared between machines. Another daemon takes over on its next try (within {@code tryEvery} of
 * the server noticing). The lock's key is per schema, so clusters on different schemas of one
 * database each have their own leader.
 *
 * <p>The cost of a session lock: a server that dropped the session (the lock is free, another
 * daemon leads) may be noticed here only at the next check, so for up to {@code tryEvery} two
 * daemons can both think they lead. Every leader chore is a compare-and-set in the store (see
 * {@link Leadership}), so that overlap wastes a query and never doubles work. The other way round,
 * a connection that died on this side but not yet on the server leaves nobody leading until the
 * server gives the session up (TCP keepalive): chores wait, nothing runs twice.
 *
 * <p>Thread-safe.
 */
public final class AdvisoryLockLeader implements Leadership {
  /** The lock's first key: "cood" in ASCII, to keep clear of other applications' locks. */
  static final int KEY_SPACE = 0x636f6f64;

  private static final int VALID_TIMEOUT_S = 2;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final Logger log = LoggerFactory.getLogger(AdvisoryLockLeader.class);

  private final PgNotifier.Connector connector;
  private final String self;
  private final long tryEveryMs;
  private final Thread loop;
  private volatile boolean leader;
  private volatile boolean closed;
  private volatile int backendPid;
  private Connection connection; // the loop's
  private boolean down; // the loop's: the last try failed (and was logged)

  private AdvisoryLockLeader(PgNotifier.Connector connector, String self, Duration tryEvery) {
    this.connector = connector;
    this.self = self;
    this.tryEveryMs = Math.max(1, tryEvery.toMillis());
    this.loop = Thread.ofPlatform().name("coordd-leader").daemon(true).unstarted(this::run);
  }

  /**
   * Tries once now (so a lone daemon leads from its first housekeeping round), then keeps trying in
   * the background.
   *
   * @param self this daemon's name, for the log
   */
  public static AdvisoryLockLeader start(
      PgNotifier.Connector connector, String self, Duration tryEvery) {
    AdvisoryLockLeader l = new AdvisoryLockLeader(connector, self, tryEvery);
    try {
      l.round();
    } catch (SQLException e) {
      l.lost(e, true);
      l.down = true;
    }
    l.loop.start();
    return l;
  }

  @Override
  public boolean isLeader() {
    return leader && !closed;
  }

  /** The server process holding (or trying for) the lock, for operators and tests; 0 if none. */
  public int backendPid() {
    return backendPid;
  }

  private void run() {
    long backoff = tryEveryMs;
    while (!closed) {
      try {
        Thread.sleep(down ? backoff : tryEveryMs);
        boolean wasDown = connection == null;
        round();
        if (down && wasDown) {
          log.info("{}: the leader election's connection to PostgreSQL is back", self);
        }
        down = false;
        backoff = tryEveryMs;
      } catch (InterruptedException e) {
        break;
      } catch (SQLException e) {
        if (closed) {
          break;
        }
        lost(e, !down);
        down = true;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    leader = false;
    closeConnection();
  }

  /** Connects if needed; tries for the lock, or checks that the lock's session still answers. */
  private void round() throws SQLException {
    if (connection == null) {
      connection = connector.open();
      connection.setAutoCommit(true);
      backendPid = pid(connection);
    }
    if (leader) {
      if (!connection.isValid(VALID_TIMEOUT_S)) {
        throw new SQLException("the connection holding the leader lock stopped answering");
      }
      return;
    }
    if (tryLock()) {
      leader = true;
      log.info("{} now leads the cluster's chores (reaping, schedules, retention)", self);
    }
  }

  private boolean tryLock() throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))")) {
      ps.setInt(1, KEY_SPACE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private void lost(SQLException e, boolean tell) {
    boolean was = leader;
    leader = false;
    closeConnection();
    if (was) {
      log.warn(
          "{} lost the cluster's leadership: its connection to PostgreSQL failed ({}); another"
              + " daemon takes the chores over",
          self,
          e.getMessage());
    } else if (tell) {
      log.warn(
          "{}: the leader election cannot reach PostgreSQL ({}); retrying", self, e.getMessage());
    }
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    backendPid = 0;
    if (c != null) {
      try {
        c.close(); // ends the session, which frees the lock at once
      } catch (SQLException ignored) {
        // the session is gone either way
      }
    }
  }

  /** Steps down: the lock goes with the connection, so another daemon leads at its next try. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.interrupt();
    try {
      loop.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (leader) {
      log.info("{} steps down as the cluster's leader", self);
    }
    leader = false;
  }
}
