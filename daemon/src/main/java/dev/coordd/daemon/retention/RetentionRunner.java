package dev.coordd.daemon.retention;

import dev.coordd.daemon.config.RetentionConfig;
import dev.coordd.daemon.inbox.Inbox;
import dev.coordd.daemon.invoke.InvocationStore;
import dev.coordd.daemon.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs retention passes: finished tasks ({@link TaskRetention}), inbox {@code done/} and {@code
 * rejected/} files and archived invocations ({@link FileRetention}, {@link InvocationStore}), each
 * bounded per pass. At most one pass per {@value #PAUSE_MS} ms of clock time.
 *
 * <p>The housekeeper calls {@link #kick()} every round; a pass that is due runs on its own virtual
 * thread, so lease reaping and timeouts never wait behind a pass (its batches queue at the writer
 * like any other operation). Tests step the clock and call {@link #runPass()} directly.
 *
 * <p>Thread-safe: passes never overlap.
 */
public final class RetentionRunner implements AutoCloseable {
  /** After a pass starts, the next one starts no sooner than this (clock time). */
  static final long PAUSE_MS = 60_000;

  /** Files deleted per folder per pass. */
  static final int MAX_FILES = 1_000;

  private static final long CLOSE_WAIT_MS = 10_000;
  private static final Logger log = LoggerFactory.getLogger(RetentionRunner.class);

  /** What one pass deleted. */
  public record Pass(int tasks, int inboxFiles, int invocations) {}

  private final RetentionConfig config;
  private final Clock clock;
  private final TaskRetention tasks;
  private final Path inboxDone;
  private final Path inboxRejected;
  private final InvocationStore invocations;
  private final BooleanSupplier leads;
  private final ReentrantLock passLock = new ReentrantLock();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile long nextPassAt;
  private volatile Thread worker;

  public RetentionRunner(
      RetentionConfig config, Clock clock, Store store, Path home, InvocationStore invocations) {
    this(config, clock, store, home, invocations, () -> true);
  }

  /**
   * @param leads whether this daemon deletes finished tasks from the store now: on a store shared
   *     by several daemons only the leader does, while every daemon cleans its own home's files
   */
  public RetentionRunner(
      RetentionConfig config,
      Clock clock,
      Store store,
      Path home,
      InvocationStore invocations,
      BooleanSupplier leads) {
    this.leads = leads;
    this.config = config == null ? RetentionConfig.defaults() : config;
    this.clock = clock;
    this.tasks = new TaskRetention(store);
    Path inbox = home.resolve(Inbox.FOLDER);
    this.inboxDone = inbox.resolve(Inbox.DONE);
    this.inboxRejected = inbox.resolve(Inbox.REJECTED);
    this.invocations = invocations;
    // The first pass one pause after start: a start (and its recovery) is busy enough, and what is
    // old now is still old in a minute.
    this.nextPassAt = clock.millis() + PAUSE_MS;
  }

  /** Housekeeping chore: starts a pass in the background when one is due; returns at once. */
  public void kick() {
    if (closed || clock.millis() < nextPassAt || !running.compareAndSet(false, true)) {
      return;
    }
    worker =
        Thread.ofVirtual()
            .name("coordd-retention")
            .start(
                () -> {
                  try {
                    runPass();
                  } catch (RuntimeException e) {
                    if (!closed) {
                      log.warn("retention pass failed; the next one tries again", e);
                    }
                  } finally {
                    running.set(false);
                  }
                });
  }

  /** One pass now, whatever the pause; waits for a pass in progress to end first. */
  public Pass runPass() {
    passLock.lock();
    try {
      long now = clock.millis();
      nextPassAt = now + PAUSE_MS;
      int t =
          leads.getAsBoolean()
              ? tasks.pass(
                  now - config.succeeded().toMillis(),
                  now - config.failed().toMillis(),
                  this::closed)
              : 0;
      long inboxCutoff = now - config.inbox().toMillis();
      int f = closed ? 0 : FileRetention.deleteOlder(inboxDone, inboxCutoff, MAX_FILES);
      f += closed ? 0 : FileRetention.deleteOlder(inboxRejected, inboxCutoff, MAX_FILES);
      // files are this home's to clean; invocations in a shared store are the leader's alone
      boolean mine = !invocations.shared() || leads.getAsBoolean();
      int i = closed || !mine ? 0 : invocations.cleanup(config.invocations(), MAX_FILES);
      if (t + f + i > 0) {
        log.info(
            "retention deleted {} finished tasks, {} inbox files, {} archived invocations",
            t,
            f,
            i);
      }
      return new Pass(t, f, i);
    } finally {
      passLock.unlock();
    }
  }

  private boolean closed() {
    return closed;
  }

  /** Stops passes; a pass in progress ends after its current batch (before the store closes). */
  @Override
  public void close() {
    closed = true;
    Thread w = worker;
    if (w != null) {
      try {
        w.join(CLOSE_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
