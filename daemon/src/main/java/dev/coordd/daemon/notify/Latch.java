package dev.coordd.daemon.notify;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up for one consuming loop (the dispatcher, the dependency settler) that remembers one
 * signal: {@link #signal()} before {@link #await(long)} is not lost, and many signals before one
 * await count as one. Made by {@link Notifier#latch}, which signals it on the changes it was asked
 * for; its owner may also signal it directly. Thread-safe; uses a lock rather than {@code
 * synchronized} so waiting virtual threads do not pin their carrier on Java 21.
 */
public final class Latch {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;

  Latch() {}

  public void signal() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis} for a signal and consumes it. */
  public void await(long millis) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (!signalled && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }
}
