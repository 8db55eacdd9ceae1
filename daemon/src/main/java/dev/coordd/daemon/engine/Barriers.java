package dev.coordd.daemon.engine;

import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Arrivals at {@code synchronize_agents} barriers: stored durably, and announced to barrier
 * handlers waiting in this process. Thread-safe.
 */
public final class Barriers {
  private final Store store;
  private final AgentStore agents;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private long generation;

  Barriers(Store store, AgentStore agents, Clock clock) {
    this.store = store;
    this.agents = agents;
    this.clock = clock;
  }

  public void arrive(String barrier, String agent) {
    long now = clock.millis();
    store.writer().execute(tx -> {
      agents.arrive(tx, barrier, agent, now);
      return null;
    });
    lock.lock();
    try {
      generation++;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public List<String> arrived(String barrier) {
    return store.read(tx -> agents.arrivals(tx, barrier));
  }

  /** Waits up to {@code millis} for any arrival at any barrier. */
  public void awaitArrival(long millis) throws InterruptedException {
    lock.lock();
    try {
      long seen = generation;
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (generation == seen && nanos > 0) {
        nanos = arrived.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }
}
