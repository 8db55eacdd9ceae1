package dev.coordd.daemon.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One SSE connection's bounded queue. {@link #offer} never blocks: a full queue ends the client (it
 * was too slow; it reconnects with its last id and catches up from the ring). Thread-safe.
 */
final class StreamClient {
  static final int QUEUE = 1_024;
  private static final StreamEvent END = new StreamEvent(-1, "", "", "");

  private final BlockingQueue<StreamEvent> queue = new ArrayBlockingQueue<>(QUEUE + 1);
  private volatile boolean ended;

  void offer(StreamEvent e) {
    if (ended) {
      return;
    }
    if (queue.remainingCapacity() <= 1 || !queue.offer(e)) {
      end();
    }
  }

  /**
   * Ends the client: the writer sees the end after what is queued before it, or at once if full.
   */
  void end() {
    ended = true;
    queue.clear();
    queue.offer(END);
  }

  /** The next event, null after {@code millis} with none (time for a heartbeat), or END. */
  StreamEvent next(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  static boolean isEnd(StreamEvent e) {
    return e == END;
  }

  boolean ended() {
    return ended;
  }
}
