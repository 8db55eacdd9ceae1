package dev.coordd.daemon.notify;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A broadcast "something changed" with a generation number: a waiter reads the generation, checks
 * the state, and waits only if nothing changed since, so no signal is lost. Wakes every waiter.
 * Thread-safe; uses a lock so virtual threads do not pin on Java 21.
 */
final class Generation {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation;

  long current() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  void advance() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis} for the generation to move past {@code seen}. */
  void await(long seen, long millis) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (generation == seen && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }
}
