package dev.coordd.daemon.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A latch that remembers one signal: {@link #signal()} before {@link #await(long)} is not lost.
 * Uses a lock rather than {@code synchronized} so waiting virtual threads do not pin their carrier
 * on Java 21. Thread-safe.
 */
final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;

  void signal() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis} for a signal and consumes it. */
  void await(long millis) throws InterruptedException {
    lock.lock();
    try {
      if (!signalled && millis > 0) {
        changed.await(millis, TimeUnit.MILLISECONDS);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }
}
