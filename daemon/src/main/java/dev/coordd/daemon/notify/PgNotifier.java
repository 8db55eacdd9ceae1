package dev.coordd.daemon.notify;

import dev.coordd.api.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Notifier} of a daemon that shares a PostgreSQL store with others: everything happens
 * in the wrapped {@link LocalNotifier}, and what crosses ({@link PgNotifierCodec#crosses}) is also
 * sent to the other daemons with {@code pg_notify} on the schema's channel, while a listener
 * publishes locally what the others sent, as the same {@link Change} records.
 *
 * <p><b>Sending.</b> {@link #publish} (called after the commit) queues the change and returns; a
 * sender thread drains the queue on its own connection and sends many changes per payload and many
 * payloads per statement, so a burst of 10,000 creates is a handful of round trips. A full queue or
 * a lost connection drops changes and sends "look again" once it can, which makes every other
 * daemon move its channels and re-offer claimable work.
 *
 * <p><b>Listening.</b> A listener thread holds another connection in {@code LISTEN}. It skips its
 * own daemon's payloads (by a per-process origin id). NOTIFY is best effort: a notification sent
 * while the listener reconnects is lost. So every poll interval the listener checks its connection
 * and looks again: it moves every generation channel (those waiters re-read) and publishes, locally
 * only, one {@link Change.TaskAvailable} per type and assignee with queued, due work, because claim
 * waiters never poll. A lost connection is logged once at WARN, retried with backoff, and its
 * recovery logged at INFO, followed by a look-again.
 *
 * <p>Thread-safe. The channel is per schema, so daemons on different schemas of one database do not
 * hear each other.
 */
public final class PgNotifier implements Notifier {
  /** Opens a new connection to the shared database; the notifier owns and closes it. */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  static final int QUEUE_CAPACITY = 65_536;
  static final int BATCH = 2_000;
  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;

  /** The listener wakes at least this often, so a close never waits long for it. */
  private static final int LISTEN_SLICE_MS = 500;

  private static final long CLOSE_FLUSH_MS = 2_000;
  private static final int VALID_TIMEOUT_S = 2;
  private static final String SEND = "SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p";
  private static final Logger log = LoggerFactory.getLogger(PgNotifier.class);

  private final LocalNotifier local;
  private final Connector connector;
  private final String channel;
  private final String origin = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  private final long pollNanos;
  private final Supplier<? extends Collection<Change.TaskAvailable>> claimable;
  private final BlockingQueue<Change> outbox = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicBoolean dropped = new AtomicBoolean();
  private final AtomicBoolean warnedBadPayload = new AtomicBoolean();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong lookedAgain = new AtomicLong();
  private final Thread sender;
  private final Thread listener;
  private volatile boolean closing;
  private volatile boolean closed;
  private volatile int listenerPid;
  // the listener thread's (and start's, before it runs); close() aborts it to end a blocked read
  private volatile Connection listenConnection;

  /** Queued by close() after the last change: the sender sends what precedes it and ends. */
  private final Change endOfOutbox = new Change.Stopping();

  private PgNotifier(
      LocalNotifier local,
      Connector connector,
      Connection listening,
      String channel,
      Duration pollInterval,
      Supplier<? extends Collection<Change.TaskAvailable>> claimable)
      throws SQLException {
    this.local = local;
    this.connector = connector;
    this.listenConnection = listening;
    this.channel = channel;
    this.pollNanos = pollInterval.toNanos();
    this.claimable = claimable;
    this.listenerPid = backendPid(listening);
    this.sender = Thread.ofPlatform().name("coordd-notify-send").daemon(true).unstarted(this::send);
    this.listener =
        Thread.ofPlatform().name("coordd-notify-listen").daemon(true).unstarted(this::listen);
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
      listenOn(c, channel);
      PgNotifier n =
          new PgNotifier(new LocalNotifier(), connector, c, channel, pollInterval, claimable);
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

  private static void listenOn(Connection c, String channel) throws SQLException {
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

  // --- the Notifier: all local, plus forwarding ---

  @Override
  public void publish(Change change) {
    local.publish(change);
    if (!closing && PgNotifierCodec.crosses(change) && !outbox.offer(change)) {
      if (!dropped.getAndSet(true)) {
        log.warn(
            "more than {} changes wait to be sent to the other daemons; dropping them, and telling"
                + " the others to look again",
            QUEUE_CAPACITY);
      }
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
   * Sends what is still queued (up to two seconds: tasks this daemon requeued as it stopped should
   * reach the others at once), then ends both connections and closes the local notifier.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      outbox.put(endOfOutbox);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    join(sender, CLOSE_FLUSH_MS);
    closed = true;
    sender.interrupt();
    Connection c = listenConnection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // ends the listener's blocked read now
      } catch (SQLException | RuntimeException e) {
        listener.interrupt(); // it wakes within LISTEN_SLICE_MS anyway
      }
    }
    join(sender, 1_000);
    join(listener, 2L * LISTEN_SLICE_MS);
    local.close();
  }

  private static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The channel this daemon's schema uses. */
  public String channel() {
    return channel;
  }

  /** Changes from other daemons published here since start. */
  public long received() {
    return received.get();
  }

  /** Look-again rounds since start (each poll interval, after a reconnect, on request). */
  public long lookedAgain() {
    return lookedAgain.get();
  }

  /** The server process of the listener's connection now, for operators (and tests) to find it. */
  public int listenerBackendPid() {
    return listenerPid;
  }

  // --- sending ---

  private void send() {
    Connection c = null;
    PreparedStatement ps = null;
    List<Change> batch = new ArrayList<>();
    long backoff = FIRST_BACKOFF_MS;
    boolean down = false;
    while (!closed) {
      try {
        if (batch.isEmpty()) {
          Change first = outbox.poll(LISTEN_SLICE_MS, TimeUnit.MILLISECONDS);
          if (first == null && closing) {
            return;
          }
          if (first != null) {
            batch.add(first);
            outbox.drainTo(batch, BATCH - 1);
          }
          if (batch.remove(endOfOutbox)) {
            closed = true; // send this last batch, then the loop ends
          }
        }
        boolean lookAgain = dropped.get();
        if (batch.isEmpty() && !lookAgain) {
          continue;
        }
        if (c == null) {
          c = connector.open();
          c.setAutoCommit(true);
          ps = c.prepareStatement(SEND);
          if (down) {
            log.info("the connection that sends changes to the other daemons is back");
            down = false;
            backoff = FIRST_BACKOFF_MS;
          }
        }
        dropped.set(false);
        List<String> payloads = PgNotifierCodec.pack(origin, batch, lookAgain);
        ps.setString(1, channel);
        ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
        ps.executeQuery().close();
        batch.clear();
      } catch (InterruptedException e) {
        break;
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        closeQuietly(c);
        c = null;
        ps = null;
        // What could not be sent is lost; the others look again once the link is back.
        batch.clear();
        dropped.set(true);
        if (!down) {
          down = true;
          log.warn(
              "cannot send changes to the other daemons ({}); they notice them at their next poll"
                  + " until the connection is back; reconnecting",
              e.getMessage());
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    closeQuietly(c);
  }

  // --- listening ---

  private void listen() {
    long backoff = FIRST_BACKOFF_MS;
    boolean down = false;
    long nextLook = System.nanoTime() + pollNanos;
    while (!closed) {
      try {
        if (listenConnection == null) {
          Connection c = connector.open();
          listenConnection = c;
          c.setAutoCommit(true);
          listenOn(c, channel);
          listenerPid = backendPid(c);
          if (down) {
            log.info(
                "the listener connection to PostgreSQL is back; wake-ups from other daemons"
                    + " resume");
            down = false;
            backoff = FIRST_BACKOFF_MS;
          }
          lookAgain(); // what was sent while we were away is lost
          nextLook = System.nanoTime() + pollNanos;
        }
        long waitMs = Math.max(1, (nextLook - System.nanoTime()) / 1_000_000);
        PGNotification[] got =
            listenConnection
                .unwrap(PGConnection.class)
                .getNotifications((int) Math.min(waitMs, LISTEN_SLICE_MS));
        if (got != null) {
          for (PGNotification n : got) {
            receive(n.getParameter());
          }
        }
        if (System.nanoTime() - nextLook >= 0) {
          nextLook = System.nanoTime() + pollNanos;
          // A connection that died without a word (a network partition) delivers nothing and
          // raises nothing: ask it.
          if (!listenConnection.isValid(VALID_TIMEOUT_S)) {
            throw new SQLException("the listener connection stopped answering");
          }
          lookAgain();
        }
      } catch (SQLException e) {
        if (closed) {
          break;
        }
        closeQuietly(listenConnection);
        listenConnection = null;
        if (!down) {
          down = true;
          log.warn(
              "lost the listener connection to PostgreSQL ({}); changes from other daemons are"
                  + " noticed at each poll until it is back; reconnecting",
              e.getMessage());
        }
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } catch (RuntimeException e) {
        // e.g. the store read of claimable work failed; the next round tries again
        log.warn("looking again for other daemons' changes failed; the next poll retries", e);
        sleep(backoff);
      }
    }
    closeQuietly(listenConnection);
    listenConnection = null;
  }

  private void receive(String payload) {
    PgNotifierCodec.Received r;
    try {
      r = PgNotifierCodec.decode(payload);
    } catch (RuntimeException e) {
      // Anyone who may connect can NOTIFY on our channel: ignore, and do not flood the log.
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

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = closed || closing;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // going away anyway
      }
    }
  }
}
