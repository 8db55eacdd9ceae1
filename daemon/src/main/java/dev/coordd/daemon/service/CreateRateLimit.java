package dev.coordd.daemon.service;

import dev.coordd.api.RateLimitedException;
import dev.coordd.daemon.config.RateLimitConfig;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per agent (by {@code createdBy}; unnamed callers share one) on creating tasks
 * through the doors. Schedules and event rules create through the engine's own path and are not
 * limited: a refused slot or rule would be work lost, not work deferred.
 *
 * <p>Time comes from the injected clock. Thread-safe: each bucket is updated under its map entry's
 * lock ({@link ConcurrentHashMap#compute}), so concurrent creates of one agent never overdraw it.
 */
final class CreateRateLimit {
  /** Beyond this many agents, full buckets (agents idle for a while) are forgotten. */
  static final int MAX_TRACKED = 10_000;

  static final String UNNAMED = "(no createdBy)";

  private record Bucket(double tokens, long at) {}

  private final RateLimitConfig config;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  CreateRateLimit(RateLimitConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Takes one create from the agent's bucket.
   *
   * @throws RateLimitedException when the bucket is empty, saying when the next create will pass
   */
  void acquire(String createdBy) {
    if (!config.enabled()) {
      return;
    }
    String agent = createdBy == null || createdBy.isBlank() ? UNNAMED : createdBy;
    long now = clock.millis();
    double[] wait = {0};
    buckets.compute(
        agent,
        (k, b) -> {
          double tokens = b == null ? config.burst() : refill(b, now);
          if (tokens >= 1) {
            return new Bucket(tokens - 1, now);
          }
          wait[0] = (1 - tokens) * 1000 / config.createsPerSecond();
          return new Bucket(tokens, now);
        });
    if (wait[0] > 0) {
      long retryAfter = Math.max(1, (long) Math.ceil(wait[0]));
      throw new RateLimitedException(
          "rate limited: "
              + agent
              + " may create "
              + rate()
              + " tasks per second (bursts of "
              + config.burst()
              + "; rateLimit in the configuration); retry after "
              + retryAfter
              + " ms",
          retryAfter);
    }
    if (buckets.size() > MAX_TRACKED) {
      forgetFull(now);
    }
  }

  private double refill(Bucket b, long now) {
    double elapsed = Math.max(0, now - b.at()) / 1000.0;
    return Math.min(config.burst(), b.tokens() + elapsed * config.createsPerSecond());
  }

  /** A full bucket is the same as no bucket: forgetting it changes nothing. */
  private void forgetFull(long now) {
    buckets.entrySet().removeIf(e -> refill(e.getValue(), now) >= config.burst());
  }

  private String rate() {
    double r = config.createsPerSecond();
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
