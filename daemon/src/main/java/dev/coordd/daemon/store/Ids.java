package dev.coordd.daemon.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Time-ordered UUIDv7 ids (RFC 9562). Within one millisecond a 12-bit counter in {@code rand_a}
 * keeps ids from this generator strictly increasing, so "oldest first" is "smallest id first".
 * Thread-safe.
 */
public final class Ids {
  private final Clock clock;
  // Made on first use: client commands build an Ids (through InvocationFiles) and often never ask
  // for one, and setting up a SecureRandom costs a short-lived command tens of milliseconds.
  private SecureRandom random; // guarded by this
  private long lastMillis = -1;
  private int counter;

  public Ids(Clock clock) {
    this.clock = clock;
  }

  public synchronized String next() {
    if (random == null) {
      random = new SecureRandom();
    }
    long millis = Math.max(clock.millis(), lastMillis);
    if (millis == lastMillis) {
      counter++;
      if (counter > 0xFFF) { // counter exhausted: borrow the next millisecond
        millis++;
        counter = 0;
      }
    } else {
      counter = random.nextInt(0x400); // leave headroom for the counter to grow
    }
    lastMillis = millis;
    long msb = (millis << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
