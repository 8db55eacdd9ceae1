package dev.coordd.bench.peers;

import java.util.function.LongSupplier;

/** Waiting for a store to record that every task finished, polled alike for every system. */
final class PeerWaits {
  /** Often enough for runs of seconds; rare enough not to load the store being measured. */
  static final long POLL_MS = 50;

  private PeerWaits() {}

  static void until(LongSupplier done, long target, long limitMs, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limitMs * 1_000_000;
    long seen;
    while ((seen = done.getAsLong()) < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            what + ": " + seen + " of " + target + " done after " + limitMs / 1000 + " s");
      }
      Thread.sleep(POLL_MS);
    }
  }
}
