package dev.coordd.daemon.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Lock;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.DaemonFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: a lock pattern built to make a regular expression backtrack for minutes held the store
 * writer, so every create hung, the daemon would not stop, and the stored pattern wedged the next
 * start. Against a real daemon: creates keep flowing while such patterns are acquired over and over
 * against long held names, and a stored one does not stop a restart. The bounds are generous (the
 * bug was minutes); benchmarks measure speed.
 */
class AdversarialLocksTest {
  static final long HOUR = Duration.ofHours(1).toMillis();
  static final Duration BOUND = Duration.ofSeconds(60);
  static final String ADVERSARY = "**a**a**a**a**a**b";

  @TempDir Path dir;
  DaemonFixture f;
  CoordinationService svc;

  @BeforeEach
  void start() {
    f = new DaemonFixture(dir);
    svc = f.service();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** The longest name a lock may have that the adversary does not match (no b). */
  static String longName(int i) {
    String suffix = "-" + i;
    return "a".repeat(Locks.MAX_RESOURCE - suffix.length()) + suffix;
  }

  @Test
  void creates_keep_flowing_while_adversarial_patterns_are_acquired() throws Exception {
    for (int i = 0; i < 20; i++) {
      svc.acquireLock(longName(i), "holder", HOUR, true, 0);
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    CompletableFuture<Void> adversary =
        CompletableFuture.runAsync(
            () -> {
              while (!done.get()) {
                acquireAdversarialPatterns();
                answered.incrementAndGet();
              }
            });
    try {
      assertTimeoutPreemptively(
          BOUND,
          () -> {
            for (int i = 0; i < 100; i++) {
              svc.createTask(task("task " + i));
            }
            // Creates interleaved with whole rounds of the adversary, not just ran before it.
            while (answered.get() < 3 && !adversary.isDone()) {
              svc.createTask(task("one more"));
            }
          });
    } finally {
      done.set(true);
    }
    adversary.get(BOUND.toSeconds(), TimeUnit.SECONDS); // rethrows what the adversary met
    assertThat(answered.get()).isGreaterThanOrEqualTo(3);
    assertThat(svc.listLocks()).extracting(Lock::resource).contains(ADVERSARY);
  }

  @Test
  void a_stored_adversarial_pattern_does_not_wedge_the_next_start() {
    svc.acquireLock(longName(0), "holder", HOUR, false, 0);
    svc.acquireLock(ADVERSARY, "adversary", HOUR, false, 0);

    assertTimeoutPreemptively(BOUND, () -> f.restart());
    svc = f.service();

    assertTimeoutPreemptively(
        BOUND,
        () -> {
          // A name the stored pattern must be matched against, at the longest a name may be.
          String matched = "a".repeat(Locks.MAX_RESOURCE - 1) + "b";
          assertThatThrownBy(() -> svc.acquireLock(matched, "carol", HOUR, false, 0))
              .isInstanceOf(ConflictException.class)
              .hasMessageContaining("exclusively by adversary on " + ADVERSARY);
          assertThat(svc.acquireLock(longName(1), "carol", HOUR, false, 0).holder())
              .isEqualTo("carol");
          assertThat(svc.createTask(task("after the restart")).id()).isNotBlank();
        });
  }

  /** A task for a worker that never comes: it only has to be stored. */
  static NewTask task(String description) {
    return NewTask.of("build").withAssignedTo("builder").withDescription(description);
  }

  /**
   * One round: a pattern within the limits is matched against every long held name and granted; the
   * others are refused by the limits before any matching.
   */
  private void acquireAdversarialPatterns() {
    svc.acquireLock(ADVERSARY, "adversary", HOUR, true, 0);
    svc.acquireLock("*?".repeat(16) + "b", "adversary", HOUR, true, 0);
    for (String refused :
        List.of("*?".repeat(Locks.MAX_RESOURCE / 2), AdversarialGlobsTest.alternatives(60, "a*"))) {
      assertThatThrownBy(() -> svc.acquireLock(refused, "adversary", HOUR, true, 0))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("a lock pattern may have at most");
    }
    // A plain name matched against the stored patterns.
    svc.acquireLock(longName(99), "adversary", HOUR, true, 0);
  }
}
