package dev.coordd.daemon.process;

import java.time.Duration;

/**
 * Deadline arithmetic on {@link System#nanoTime()}, where {@link Long#MAX_VALUE} stands for "no
 * limit" and an absurdly long limit saturates to it rather than wrapping around.
 */
final class Nanos {
  /** No deadline. */
  static final long NONE = Long.MAX_VALUE;

  private Nanos() {}

  static long saturated(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return NONE;
    }
  }

  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only matters for absurd limits: treat them as none.
    return ((a ^ sum) & (b ^ sum)) < 0 ? NONE : sum;
  }

  /** Nanoseconds from {@code now} to {@code deadline}, never negative; NONE stays NONE. */
  static long until(long deadline, long now) {
    return deadline == NONE ? NONE : Math.max(deadline - now, 0);
  }

  /** Whether {@code deadline} has come; compared by difference, as nanoTime may wrap. */
  static boolean passed(long deadline, long now) {
    return deadline != NONE && now - deadline >= 0;
  }
}
