package dev.coordd.daemon.engine;

import dev.coordd.api.Task;
import dev.coordd.api.TaskError;
import dev.coordd.daemon.cluster.Leadership;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Latch;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskWaits;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases tasks whose dependencies all succeeded and fails those one of whose dependencies failed
 * or was cancelled, naming it. It runs when a task finishes and in every housekeeping round, so a
 * crash between a task finishing and its dependents moving on only delays them. Failures cascade:
 * each round repeats until nothing changes. Thread-safe (rounds are serialised).
 */
public final class Dependencies {
  public static final String WAIT_KIND = "dependencies";
  private static final Logger log = LoggerFactory.getLogger(Dependencies.class);

  private final Store store;
  private final TaskWaits waits;
  private final Clock clock;
  private final ReentrantLock round = new ReentrantLock();
  private final Latch finished;
  private final Leadership leadership;
  private Outcomes outcomes;
  private volatile Thread loop;

  Dependencies(
      Store store, TaskWaits waits, Clock clock, Notifier notifier, Leadership leadership) {
    this.store = store;
    this.leadership = leadership;
    this.waits = waits;
    this.clock = clock;
    this.finished = notifier.latch(c -> c instanceof Change.TaskFinished);
  }

  void outcomes(Outcomes outcomes) {
    this.outcomes = outcomes;
  }

  /** Settle soon, off the caller's thread (a finished task does this through the notifier). */
  void nudge() {
    finished.signal();
  }

  /** Runs settling rounds as tasks finish; rounds coalesce under load. */
  void start() {
    loop =
        Thread.ofPlatform()
            .daemon(true)
            .name("coordd-dependencies")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      finished.await(Long.MAX_VALUE);
                      // On a shared store the leader settles, woken by finishes on every daemon
                      // (they cross as notifications); the others would only race it.
                      if (leadership.isLeader()) {
                        settle();
                      }
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      log.warn("settling dependents failed; the next round retries", e);
                    }
                  }
                });
  }

  void stop() {
    Thread t = loop;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Passes until settled: release the ready, fail the broken. A round already running does the
   * work, so a caller that finds one going returns at once (housekeeping is never held up).
   */
  public void settle() {
    if (!round.tryLock()) {
      nudge(); // make sure the running round's results are looked at again
      return;
    }
    try {
      boolean changed = true;
      for (int pass = 0; changed && pass < 100; pass++) {
        changed = false;
        for (TaskWaits.DependencyWait w : store.read(waits::dependencyWaits)) {
          try {
            changed |= settle(w);
          } catch (RuntimeException e) {
            log.warn(
                "could not settle the dependencies of task {}; next round retries",
                w.task().id(),
                e);
          }
        }
      }
    } finally {
      round.unlock();
    }
  }

  private boolean settle(TaskWaits.DependencyWait w) {
    long now = clock.millis();
    String id = w.task().id();
    if (w.broken() > 0) {
      Task after =
          store
              .writer()
              .execute(
                  tx -> {
                    Task broken = waits.brokenDependency(tx, id);
                    if (broken == null) {
                      return null; // retried meanwhile
                    }
                    String why = broken.error() == null ? "" : ": " + broken.error().message();
                    TaskError error =
                        new TaskError(
                            "dependency " + broken.id() + " " + broken.status().wire() + why,
                            "dependency_failed",
                            w.task().attempts());
                    return waits.failDependent(tx, id, error, now);
                  });
      if (after != null) {
        log.info("task {} failed: {}", id, after.error().message());
        outcomes.after(after);
        return true;
      }
    } else if (w.open() == 0) {
      Task after = store.writer().execute(tx -> waits.releaseDependent(tx, id, now));
      if (after != null) {
        outcomes.after(after);
        return true;
      }
    }
    return false;
  }
}
