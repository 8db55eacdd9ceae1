package dev.coordd.daemon.http;

import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Feed;
import dev.coordd.daemon.notify.Notifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's changes for SSE clients: one {@link Notifier#listen} feed, numbered into a bounded
 * ring of the latest {@link #RING} events for clients that reconnect with {@code Last-Event-ID},
 * and fanned out to each client's own bounded queue. Offering never blocks: a client whose queue is
 * full is dropped (it reconnects and catches up from the ring), so no viewer slows the daemon.
 * Thread-safe: the ring and the client set change under one lock, so a client that joins gets the
 * ring's tail and then every later event, none twice and none missed.
 */
final class ChangeStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
  static final int RING = 4_096;
  static final int FEED_CAPACITY = 10_000;

  private final Notifier notifier;
  private final String stream = Long.toString(System.currentTimeMillis(), 36);
  private final ArrayDeque<StreamEvent> ring = new ArrayDeque<>(); // guarded by this
  private final Set<StreamClient> clients = ConcurrentHashMap.newKeySet();
  private long next = 1; // guarded by this
  private volatile boolean open = true;
  private volatile Feed feed;

  ChangeStream(Notifier notifier) {
    this.notifier = notifier;
    this.feed = notifier.listen(new Listener(), FEED_CAPACITY);
  }

  /** What a new client gets first: the events after its last one, or a reset if those are gone. */
  synchronized List<StreamEvent> join(StreamClient client, String lastEventId) {
    List<StreamEvent> replay = new ArrayList<>();
    if (lastEventId != null) {
      long after = numberIn(lastEventId);
      StreamEvent oldest = ring.peekFirst();
      boolean covered =
          after >= 0
              && after < next
              && (oldest == null ? after == next - 1 : after >= oldest.n() - 1);
      if (!covered) {
        replay.add(StreamEvent.reset(stream, next - 1, "missed changes; reload the lists"));
      } else {
        for (StreamEvent e : ring) {
          if (e.n() > after) {
            replay.add(e);
          }
        }
      }
    }
    clients.add(client);
    return replay;
  }

  void leave(StreamClient client) {
    clients.remove(client);
  }

  int clientCount() {
    return clients.size();
  }

  /** The number of an id of this stream; -1 for an id of another run or not ours. */
  private long numberIn(String id) {
    int dash = id.lastIndexOf('-');
    if (dash < 0 || !id.substring(0, dash).equals(stream)) {
      return -1;
    }
    try {
      return Long.parseLong(id.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private synchronized void publish(Change change) {
    StreamEvent e = StreamEvent.of(stream, next, change);
    if (e == null) {
      return;
    }
    next++;
    ring.addLast(e);
    if (ring.size() > RING) {
      ring.removeFirst();
    }
    clients.forEach(c -> c.offer(e));
  }

  /** The feed fell behind (changes lost): every client and every id before now must reload. */
  private synchronized void gap(String why) {
    ring.clear();
    StreamEvent reset = StreamEvent.reset(stream, next++, why);
    ring.addLast(reset);
    clients.forEach(c -> c.offer(reset));
  }

  @Override
  public void close() {
    open = false;
    feed.close();
    clients.forEach(StreamClient::end);
  }

  private final class Listener implements Feed.Listener {
    @Override
    public void changed(Change change) {
      publish(change);
    }

    @Override
    public void closed(String reason) {
      if (!open || notifier.stopping()) {
        clients.forEach(StreamClient::end);
        return;
      }
      log.warn("the live stream's feed ended ({}); listening again", reason);
      gap("the daemon's change feed " + reason + "; reload the lists");
      feed = notifier.listen(new Listener(), FEED_CAPACITY);
    }
  }
}
