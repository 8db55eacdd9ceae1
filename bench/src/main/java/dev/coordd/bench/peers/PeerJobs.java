package dev.coordd.bench.peers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peers' no-op job: notes when it started (for latency) and counts itself. Public and static
 * because JobRunr finds a job by its class and method name.
 */
public final class PeerJobs {
  static final Map<String, Long> STARTED = new ConcurrentHashMap<>();
  static final AtomicLong RUN = new AtomicLong();

  private PeerJobs() {}

  public static void run(String id) {
    STARTED.put(id, System.nanoTime());
    RUN.incrementAndGet();
  }

  static void reset() {
    STARTED.clear();
    RUN.set(0);
  }
}
