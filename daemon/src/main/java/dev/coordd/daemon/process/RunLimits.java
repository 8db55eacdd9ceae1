package dev.coordd.daemon.process;

import dev.coordd.daemon.process.ProcessRunner.TimedOut;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waits for a running program to exit or for the first of its limits to pass: the wall-clock
 * timeout from its start, and the idle timeout from the last byte it printed on either stream (or
 * from its start, before any). All times are {@link System#nanoTime()}.
 */
final class RunLimits {
  /** How often the wait wakes to note the program's children. */
  static final long SNAPSHOT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final long wallDeadline;
  private final long idleNanos;

  /**
   * @param started when the program started
   * @param timeout the wall-clock limit, or null for none
   * @param idleTimeout the limit on silence, or null for none
   */
  RunLimits(long started, Duration timeout, Duration idleTimeout) {
    this.wallDeadline =
        timeout == null ? Nanos.NONE : Nanos.saturatedAdd(started, Nanos.saturated(timeout));
    this.idleNanos = idleTimeout == null ? Nanos.NONE : Nanos.saturated(idleTimeout);
  }

  /**
   * Waits until the process exits ({@link TimedOut#NONE}) or a limit passes while it still runs.
   * Meanwhile every descendant seen is added to {@code seen}: once the process exits its children
   * are orphans nobody can find any more, and they must not outlive the run.
   *
   * @param lastOutput the nanoTime of the latest byte on stdout or stderr
   */
  TimedOut await(Process process, AtomicLong lastOutput, Set<ProcessHandle> seen)
      throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      long idleDeadline =
          idleNanos == Nanos.NONE ? Nanos.NONE : Nanos.saturatedAdd(lastOutput.get(), idleNanos);
      if (Nanos.passed(wallDeadline, now)) {
        return process.isAlive() ? TimedOut.WALL_CLOCK : TimedOut.NONE;
      }
      if (Nanos.passed(idleDeadline, now)) {
        return process.isAlive() ? TimedOut.IDLE : TimedOut.NONE;
      }
      process.descendants().forEach(seen::add);
      long wait =
          Math.min(
              SNAPSHOT_NANOS,
              Math.min(Nanos.until(wallDeadline, now), Nanos.until(idleDeadline, now)));
      // onExit() rather than waitFor(): on Java 21 waitFor holds a monitor and pins the virtual
      // thread's carrier for the whole run; a future's get() lets the carrier go.
      try {
        process.onExit().get(wait, TimeUnit.NANOSECONDS);
        return TimedOut.NONE;
      } catch (TimeoutException e) {
        // Woken at a deadline or to snapshot: the loop re-reads lastOutput, which output may have
        // pushed back.
      } catch (ExecutionException e) {
        return TimedOut.NONE;
      }
    }
  }
}
