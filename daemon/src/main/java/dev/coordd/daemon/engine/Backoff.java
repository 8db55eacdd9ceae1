package dev.coordd.daemon.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, the other half
 * random, so retries of many tasks that failed together spread out but never come back sooner than
 * half the nominal delay.
 */
public record Backoff(Duration base, Duration max) {

  /** Delay before the attempt after {@code attempt} (1-based) failed. */
  public long delayMillis(int attempt) {
    long nominal = base.toMillis();
    for (int i = 1; i < attempt && nominal < max.toMillis(); i++) {
      nominal *= 2;
    }
    nominal = Math.min(nominal, max.toMillis());
    long half = nominal / 2;
    return half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1));
  }
}
