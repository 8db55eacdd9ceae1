package dev.coordd.daemon.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of a {@link PgNotifier}: a bounded queue that {@link #offer} fills without
 * blocking, and a thread that drains it on a connection of its own, many changes per payload and
 * many payloads per statement (a burst of 10,000 creates is a handful of round trips). A full queue
 * or a lost connection drops changes and sends "look again" as soon as it can, which makes every
 * other daemon move its channels and re-offer claimable work. Thread-safe.
 */
final class PgNotifierSender {
  static final int QUEUE_CAPACITY = 65_536;
  static final int BATCH = 2_000;

  private static final long IDLE_SLICE_MS = 500;
  private static final String SEND = "SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p";
  private static final Logger log = LoggerFactory.getLogger(PgNotifierSender.class);

  private final PgNotifier.Connector connector;
  private final String channel;
  private final String origin;
  private final BlockingQueue<Change> outbox = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicBoolean dropped = new AtomicBoolean();
  // Queued by close() after the last change: what precedes it is sent, then the thread ends. A
  // Stopping never crosses, so no real change is mistaken for it.
  private final Change endOfOutbox = new Change.Stopping();
  private final Thread thread;
  private volatile boolean closing;
  private volatile boolean closed;

  PgNotifierSender(PgNotifier.Connector connector, String channel, String origin) {
    this.connector = connector;
    this.channel = channel;
    this.origin = origin;
    this.thread = Thread.ofPlatform().name("coordd-notify-send").daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Queues a change to send; never blocks. A full queue drops it and asks for a look-again. */
  void offer(Change change) {
    if (closing) {
      return;
    }
    if (!outbox.offer(change) && !dropped.getAndSet(true)) {
      log.warn(
          "more than {} changes wait to be sent to the other daemons; dropping them, and telling"
              + " the others to look again",
          QUEUE_CAPACITY);
    }
  }

  /** Sends what is queued (waiting up to {@code flushMillis}), then ends the thread. */
  void close(long flushMillis) {
    if (closing) {
      return;
    }
    closing = true;
    try {
      outbox.put(endOfOutbox);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    PgNotifier.join(thread, flushMillis);
    closed = true;
    thread.interrupt();
    PgNotifier.join(thread, 1_000);
  }

  private void run() {
    Connection c = null;
    PreparedStatement ps = null;
    List<Change> batch = new ArrayList<>();
    long backoff = PgNotifier.FIRST_BACKOFF_MS;
    boolean down = false;
    while (!closed) {
      try {
        if (batch.isEmpty()) {
          Change first = outbox.poll(IDLE_SLICE_MS, TimeUnit.MILLISECONDS);
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
            backoff = PgNotifier.FIRST_BACKOFF_MS;
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
        PgNotifier.closeQuietly(c);
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
        if (!PgNotifier.sleep(backoff)) {
          break;
        }
        backoff = Math.min(backoff * 2, PgNotifier.MAX_BACKOFF_MS);
      }
    }
    PgNotifier.closeQuietly(c);
  }
}
