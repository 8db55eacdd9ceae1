package dev.coordd.daemon.notify;

import dev.coordd.api.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@link Notifier} of a daemon that shares a PostgreSQL store with others: everything happens
 * in the wrapped {@link LocalNotifier}; what crosses ({@link PgNotifierCodec#crosses}) is also sent
 * to the other daemons with {@code pg_notify} on the schema's channel ({@link PgNotifierSender}),
 * and a listener publishes locally what the others sent, as the same {@link Change} records, and
 * looks again every poll interval in case a notification was lost ({@link PgNotifierListener}).
 * Each half has a connection of its own, outside the store's pool: a LISTEN lives on one session,
 * and a wake-up must not queue behind store work for a pooled connection.
 *
 * <p>The channel is per schema ({@code coordd_changes_<schema>}), so daemons on different schemas
 * of one database do not hear each other. A per-process origin id tells a daemon's own payloads
 * apart. Thread-safe.
 */
public final class PgNotifier implements Notifier {
  /** Opens a new connection to the shared database; the caller owns and closes it. */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;

  /** How long close() lets the sender send what is queued (tasks requeued as the daemon stops). */
  private static final long CLOSE_FLUSH_MS = 2_000;

  private final LocalNotifier local;
  private final String channel;
  private final PgNotifierSender sender;
  private final PgNotifierListener listener;
  private volatile boolean closed;

  private PgNotifier(
      LocalNotifier local, String channel, PgNotifierSender sender, PgNotifierListener listener) {
    this.local = local;
    this.channel = channel;
    this.sender = sender;
    this.listener = listener;
  }

  /**
   * Connects and listens before returning, so every change another daemon commits from now on is
   * heard.
   *
   * @param pollInterval how often the listener checks its connection and looks again
   * @param claimable one queued, due task per type and assignee, read from the store now
   * @throws UnavailableException when the database cannot be reached
   */
  public static PgNotifier start(
      Connector connector,
      Duration pollInterval,
      Supplier<? extends Collection<Change.TaskAvailable>> claimable) {
    Connection c = null;
    try {
      c = connector.open();
      c.setAutoCommit(true);
      String channel = channelFor(schemaOf(c));
      PgNotifierListener.listenOn(c, channel);
      String origin = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      LocalNotifier local = new LocalNotifier();
      PgNotifier n =
          new PgNotifier(
              local,
              channel,
              new PgNotifierSender(connector, channel, origin),
              new PgNotifierListener(
                  local, connector, c, channel, origin, pollInterval, claimable));
      n.sender.start();
      n.listener.start();
      return n;
    } catch (SQLException e) {
      closeQuietly(c);
      throw new UnavailableException(
          "cannot listen for other daemons' changes on PostgreSQL: "
              + e.getMessage()
              + "; check that the database in store.url is reachable",
          e);
    }
  }

  /** The channel of a schema: a fixed prefix and the schema, hashed when the name is too long. */
  static String channelFor(String schema) {
    String name = "coordd_changes_" + schema;
    if (name.getBytes(StandardCharsets.UTF_8).length <= 63) {
      return name;
    }
    return "coordd_changes_" + Integer.toHexString(schema.hashCode());
  }

  private static String schemaOf(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      String schema = rs.getString(1);
      return schema == null ? "public" : schema;
    }
  }

  // --- the Notifier: all local, plus forwarding ---

  @Override
  public void publish(Change change) {
    local.publish(change);
    if (PgNotifierCodec.crosses(change)) {
      sender.offer(change);
    }
  }

  @Override
  public long generation(Channel channel) {
    return local.generation(channel);
  }

  @Override
  public void await(Channel channel, long seen, long millis) throws InterruptedException {
    local.await(channel, seen, millis);
  }

  @Override
  public TaskWait awaitTask(String taskId) {
    return local.awaitTask(taskId);
  }

  @Override
  public ClaimWait awaitClaimable(String agent, Collection<String> types, int max) {
    return local.awaitClaimable(agent, types, max);
  }

  @Override
  public Latch latch(Predicate<Change> wakesOn) {
    return local.latch(wakesOn);
  }

  @Override
  public Feed listen(Feed.Listener listener, int capacity) {
    return local.listen(listener, capacity);
  }

  @Override
  public boolean stopping() {
    return local.stopping();
  }

  /**
   * Sends what is still queued (for up to two seconds: tasks this daemon requeued as it stopped
   * should reach the others at once), ends both connections and closes the local notifier. A second
   * close does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sender.close(CLOSE_FLUSH_MS);
    listener.close();
    local.close();
  }

  /** The channel this daemon's schema uses. */
  public String channel() {
    return channel;
  }

  /** Changes from other daemons published here since start. */
  public long received() {
    return listener.received();
  }

  /** Look-again rounds since start (each poll interval, after a reconnect, on request). */
  public long lookedAgain() {
    return listener.lookedAgain();
  }

  /** The server process of the listener's connection now, for operators (and tests) to find it. */
  public int listenerBackendPid() {
    return listener.backendPid();
  }

  // --- shared by the two halves ---

  static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // going away anyway
      }
    }
  }

  /** Sleeps; false when interrupted (the notifier is closing). */
  static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
