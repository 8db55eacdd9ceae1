package dev.coordd.daemon.engine;

import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Store;
import java.time.Clock;
import java.util.List;

/**
 * Arrivals at {@code synchronize_agents} barriers: stored durably, and announced to barrier
 * handlers waiting in this process. Thread-safe.
 */
public final class Barriers {
  private final Store store;
  private final AgentStore agents;
  private final Clock clock;
  private final Signal arrived = new Signal();

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
    arrived.signalAll();
  }

  public List<String> arrived(String barrier) {
    return store.read(tx -> agents.arrivals(tx, barrier));
  }

  /** The arrival generation; read it before checking arrivals, then wait on it. */
  public long generation() {
    return arrived.generation();
  }

  /** Waits up to {@code millis} for an arrival after generation {@code seen}. */
  public void awaitArrival(long seen, long millis) throws InterruptedException {
    arrived.await(seen, millis);
  }
}
