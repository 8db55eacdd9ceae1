package dev.coordd.daemon.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Time-ordered UUIDv7 ids (RFC 9562). Within one millisecond a 12-bit counter in {@code rand_a}
 * keeps ids from this generator strictly increasing, so "oldest first" is "smallest id first".
 * Thread-safe.
 *
 * <p>The random bits come from a block of SecureRandom bytes drawn a few KB at a time: a
 * SecureRandom call per id (two, on a new millisecond) was a visible share of creating a batch.
 */
public final class Ids {
  /** Random bytes drawn at once: 512 ids' worth. */
  static final int BLOCK = 4096;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final Clock clock;
  // Made on first use: client commands build an Ids (through InvocationFiles) and often never ask
  // for one, and setting up a SecureRandom costs a short-lived command tens of milliseconds.
  private SecureRandom random; // guarded by this
  private byte[] block; // guarded by this; bytes from `used` on are still unread
  private int used;
  private long lastMillis = -1;
  private int counter;

  public Ids(Clock clock) {
    this.clock = clock;
  }

  public synchronized String next() {
    long millis = Math.max(clock.millis(), lastMillis);
    if (millis == lastMillis) {
      counter++;
      if (counter > 0xFFF) { // counter exhausted: borrow the next millisecond
        millis++;
        counter = 0;
      }
    } else {
      counter = (int) (randomLong() & 0x3FF); // leave headroom for the counter to grow
    }
    lastMillis = millis;
    long msb = (millis << 16) | (0x7L << 12) | counter;
    long lsb = (randomLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** The next 8 unread random bytes, drawing a new block when this one is used up. */
  private long randomLong() {
    if (block == null || used + Long.BYTES > block.length) {
      if (random == null) {
        random = new SecureRandom();
        block = new byte[BLOCK];
      }
      random.nextBytes(block);
      used = 0;
    }
    long value = (long) LONGS.get(block, used);
    used += Long.BYTES;
    return value;
  }
}
