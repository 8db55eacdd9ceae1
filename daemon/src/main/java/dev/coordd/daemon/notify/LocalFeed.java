package dev.coordd.daemon.notify;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's bounded queue and the virtual thread that drains it. {@link #offer} never blocks:
 * when the queue is full the feed ends ("fell behind"), its queue is dropped and the listener is
 * told, so one slow listener costs publishers nothing. Thread-safe.
 */
final class LocalFeed implements Feed {
  private static final Logger log = LoggerFactory.getLogger(LocalFeed.class);

  private final Feed.Listener listener;
  private final int capacity;
  private final Consumer<LocalFeed> onEnd;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final ArrayDeque<Change> queue = new ArrayDeque<>();
  private String endedBecause; // guarded by lock; non-null once ended
  private boolean told; // guarded by lock; the listener heard of the end

  LocalFeed(Feed.Listener listener, int capacity, Consumer<LocalFeed> onEnd) {
    this.listener = listener;
    this.capacity = capacity;
    this.onEnd = onEnd;
  }

  void start() {
    Thread.ofVirtual().name("coordd-feed").start(this::deliver);
  }

  void offer(Change change) {
    lock.lock();
    try {
      if (endedBecause != null) {
        return;
      }
      if (queue.size() >= capacity) {
        log.warn(
            "a change listener fell {} changes behind and was dropped; it should re-read and listen"
                + " again",
            capacity);
        endLocked("fell more than " + capacity + " changes behind");
        return;
      }
      queue.add(change);
      ready.signal();
    } finally {
      lock.unlock();
    }
  }

  void end(String reason) {
    lock.lock();
    try {
      endLocked(reason);
    } finally {
      lock.unlock();
    }
  }

  private void endLocked(String reason) {
    if (endedBecause == null) {
      endedBecause = reason;
      queue.clear();
      ready.signal();
      onEnd.accept(this);
    }
  }

  /** Runs on the feed's thread until it ends, then tells the listener once. */
  private void deliver() {
    while (true) {
      Change next;
      String reason;
      lock.lock();
      try {
        while (queue.isEmpty() && endedBecause == null) {
          ready.awaitUninterruptibly();
        }
        next = queue.poll();
        reason = endedBecause;
      } finally {
        lock.unlock();
      }
      if (next == null) {
        tell(reason);
        return;
      }
      try {
        listener.changed(next);
      } catch (RuntimeException e) {
        log.warn("a change listener failed on {}; it keeps listening", next, e);
      }
    }
  }

  private void tell(String reason) {
    lock.lock();
    try {
      if (told) {
        return;
      }
      told = true;
    } finally {
      lock.unlock();
    }
    try {
      listener.closed(reason);
    } catch (RuntimeException e) {
      log.warn("a change listener failed when its feed ended", e);
    }
  }

  @Override
  public boolean isOpen() {
    lock.lock();
    try {
      return endedBecause == null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    end("closed by its owner");
  }
}
