package dev.coordd.daemon.watch;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one shared loop (the store writer, the socket acceptor, the dispatcher…): the loop calls
 * {@link #begin} before each operation and {@link #end} after it, and when one operation holds the
 * loop longer than the limit, the watchdog reports it once, with the loop thread's stack, so an
 * operator sees what is stuck while it is stuck. Costs the loop two volatile writes per operation;
 * the checks run on one shared timer thread. Thread-safe; {@code begin}/{@code end} are called by
 * the loop's own thread.
 */
public final class Watchdog implements AutoCloseable {
  /** The limit the issue sets for every shared loop. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  /** One timer for every watchdog: checking is a few reads, it never needs more. */
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("coordd-watchdog").daemon(true).factory());

  /** One operation that held its loop past the limit. */
  public record Stall(
      String loop, String operation, Thread thread, Duration held, StackTraceElement[] stack) {
    @Override
    public String toString() {
      StringBuilder text =
          new StringBuilder()
              .append(loop)
              .append(" has been busy with ")
              .append(operation)
              .append(" for ")
              .append(held.toMillis())
              .append(" ms (thread ")
              .append(thread.getName())
              .append("); other work on this loop waits meanwhile. Its stack:");
      for (StackTraceElement frame : stack) {
        text.append("\n\tat ").append(frame);
      }
      return text.toString();
    }
  }

  private final String loop;
  private final long limitNanos;
  private final LongSupplier nanoTime;
  private final Consumer<Stall> report;
  private final ScheduledFuture<?> checks;

  // Written by the loop thread, read by the timer.
  private volatile long startedAt;
  private volatile boolean busy;
  private volatile long sequence;
  private volatile String operation = "";
  private volatile Thread thread;

  // Only the timer touches this: the sequence number of the last stall reported.
  private long reported = -1;

  /**
   * Watches {@code loop}, warning in the log when one operation takes longer than {@code limit}.
   */
  public static Watchdog start(String loop, Duration limit) {
    return new Watchdog(loop, limit, System::nanoTime, Watchdog::warn, true);
  }

  /** For tests: the timer checks, a report collects. */
  static Watchdog timed(String loop, Duration limit, Consumer<Stall> report) {
    return new Watchdog(loop, limit, System::nanoTime, report, true);
  }

  /** For tests: a clock to step and a report to collect; checked only by calling {@link #check}. */
  static Watchdog manual(
      String loop, Duration limit, LongSupplier nanoTime, Consumer<Stall> report) {
    return new Watchdog(loop, limit, nanoTime, report, false);
  }

  private Watchdog(
      String loop, Duration limit, LongSupplier nanoTime, Consumer<Stall> report, boolean timed) {
    this.loop = loop;
    this.limitNanos = limit.toNanos();
    this.nanoTime = nanoTime;
    this.report = report;
    long period = Math.max(1, limit.toMillis() / 4);
    this.checks =
        timed
            ? TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS)
            : null;
  }

  /** The loop starts one operation; {@code what} names it in the warning. */
  public void begin(String what) {
    operation = what;
    thread = Thread.currentThread();
    sequence++;
    startedAt = nanoTime.getAsLong();
    busy = true;
  }

  /** The loop finished its operation. */
  public void end() {
    busy = false;
  }

  /** Reports the current operation if it is over the limit and not yet reported. */
  void check() {
    if (!busy) {
      return;
    }
    // read after busy: seeing busy set by begin() makes begin's earlier writes visible
    long seq = sequence;
    long started = startedAt;
    if (seq == reported) {
      return;
    }
    long held = nanoTime.getAsLong() - started;
    if (held <= limitNanos) {
      return;
    }
    Thread t = thread;
    StackTraceElement[] stack = t.getStackTrace();
    if (!busy || sequence != seq) {
      return; // it finished meanwhile: the stack would show the next operation or nothing
    }
    reported = seq;
    try {
      report.accept(new Stall(loop, operation, t, Duration.ofNanos(held), stack));
    } catch (RuntimeException e) {
      log.warn("reporting a stall of {} failed", loop, e);
    }
  }

  private static void warn(Stall stall) {
    log.warn("{}", stall);
  }

  @Override
  public void close() {
    if (checks != null) {
      checks.cancel(false);
    }
  }
}
