package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.api.BatchItem;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.handler.TaskHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's workers hand their outcomes to the writer without waiting for the commit (the
 * dispatcher's pipelining), on a real daemon and SQLite file. In the store's package to see the
 * writer's queue: a writer held by a test operation shows what the workers queued meanwhile.
 */
class PipelinedOutcomesTest {
  @TempDir Path dir;

  /** Holds the writer's thread inside an operation until {@link #open}. */
  private static final class Gate {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch opened = new CountDownLatch(1);

    void hold(StoreWriter writer) throws InterruptedException {
      writer.submit(
          tx -> {
            entered.countDown();
            try {
              opened.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return null;
          });
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    }

    void open() {
      opened.countDown();
    }
  }

  /**
   * A handler whose first call waits for {@code go}, holds the writer, then returns; later calls
   * return at once.
   */
  private static TaskHandler holdingOnFirstCall(
      DaemonFixture f, CountDownLatch go, Gate gate, AtomicInteger calls) {
    return ctx -> {
      if (calls.incrementAndGet() == 1) {
        go.await();
        gate.hold(writer(f));
      }
      return TextNode.valueOf("done");
    };
  }

  private static StoreWriter writer(DaemonFixture f) {
    return f.daemon.engine().store().writer();
  }

  private static void awaitQueued(StoreWriter writer, int n) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (writer.queued() < n && System.nanoTime() < until) {
      DaemonFixture.sleep(5);
    }
    assertThat(writer.queued()).as("operations queued behind the held writer").isEqualTo(n);
  }

  @Test
  void a_freed_slot_claims_again_while_the_last_outcome_waits_for_its_commit() {
    // no housekeeping rounds: nothing but the workers writes while the writer is held
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "1")) {
      Gate gate = new Gate();
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      f.daemon.registerHandler("step", holdingOnFirstCall(f, go, gate, calls));
      String a = f.service().createTask(NewTask.of("step")).id();
      String b = f.service().createTask(NewTask.of("step")).id(); // waits: one slot
      go.countDown();
      // The one slot's first handler returned with the writer held: its completion is queued, and
      // the slot, already free, queued the next claim behind it (a worker that waited for its
      // commit would hold the slot, and the queue would stay at one).
      try {
        awaitQueued(writer(f), 2);
        assertThat(calls.get()).isEqualTo(1);
      } finally {
        gate.open();
      }
      assertThat(f.awaitStatus(a, TaskStatus.SUCCEEDED).runs())
          .extracting(TaskRun::outcome)
          .containsExactly("succeeded");
      assertThat(f.awaitStatus(b, TaskStatus.SUCCEEDED).runs())
          .extracting(TaskRun::outcome)
          .containsExactly("succeeded");
      assertThat(calls.get()).isEqualTo(2);
    }
  }

  @Test
  void a_burst_of_finishes_makes_one_claim_for_all_the_freed_slots() throws Exception {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "4")) {
      CountDownLatch go = new CountDownLatch(1);
      f.daemon.registerHandler(
          "burst",
          ctx -> {
            go.await();
            return TextNode.valueOf("ok");
          });
      List<NewTask> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        batch.add(NewTask.of("burst"));
      }
      List<String> ids = new ArrayList<>();
      f.service().createTasks(batch).forEach(item -> ids.add(item.task().id()));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (f.daemon.engine().dispatcher().inFlight().size() < 4 && System.nanoTime() < until) {
        DaemonFixture.sleep(5);
      }
      Gate gate = new Gate();
      gate.hold(writer(f));
      try {
        go.countDown(); // all four return at once, their slots freed while the writer is held
        // Four completions and one claim: the claim still queued takes every slot freed since.
        awaitQueued(writer(f), 5);
        DaemonFixture.sleep(100); // room for a wrong extra claim to show; passing needs no time
        assertThat(writer(f).queued()).isEqualTo(5);
      } finally {
        gate.open();
      }
      for (String id : ids) {
        f.awaitStatus(id, TaskStatus.SUCCEEDED);
      }
    }
  }

  @Test
  void stopping_waits_for_outcomes_still_being_recorded() throws Exception {
    // no housekeeping rounds: nothing but the workers writes while the writer is held
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "1")) {
      Gate gate = new Gate();
      f.daemon.registerHandler(
          "step", holdingOnFirstCall(f, new CountDownLatch(0), gate, new AtomicInteger()));
      String id = f.service().createTask(NewTask.of("step")).id();
      awaitQueued(writer(f), 2); // the completion, and the freed slot's claim
      AtomicReference<TaskStatus> whenStopped = new AtomicReference<>();
      Thread stopping =
          Thread.ofPlatform()
              .start(
                  () -> {
                    f.daemon.engine().dispatcher().stop(Duration.ofSeconds(10));
                    whenStopped.set(f.service().getTask(id).status());
                  });
      stopping.join(300); // a stop that did not wait would be done by now, the task still running
      gate.open();
      stopping.join(30_000);
      assertThat(stopping.isAlive()).isFalse();
      assertThat(whenStopped.get())
          .as("the task's status as the dispatcher's stop returned")
          .isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(f.daemon.engine().dispatcher().inFlight()).isEmpty();
    }
  }

  @Test
  void a_graceful_stop_amid_a_stream_of_outcomes_loses_none() {
    AtomicInteger returned = new AtomicInteger();
    List<String> ids = new ArrayList<>();
    try (DaemonFixture f = new DaemonFixture(dir, Map.of("concurrency", "8"))) {
      CountDownLatch go = new CountDownLatch(1);
      f.daemon.registerHandler(
          "quick",
          ctx -> {
            go.await();
            returned.incrementAndGet(); // the handler returns right after: a success to record
            return TextNode.valueOf("ok");
          });
      List<NewTask> batch = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        batch.add(NewTask.of("quick"));
      }
      for (int round = 0; round < 3; round++) {
        for (BatchItem item : f.service().createTasks(batch)) {
          ids.add(item.task().id());
        }
      }
      go.countDown();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (returned.get() < 50 && System.nanoTime() < until) {
        DaemonFixture.sleep(1);
      }
      // Restarted without the handler: what the stop left is what the store holds.
      f.restart();
      int succeeded = 0;
      for (String id : ids) {
        Task t = f.service().getTask(id);
        if (t.status() == TaskStatus.SUCCEEDED) {
          succeeded++;
          assertThat(t.runs()).extracting(TaskRun::outcome).containsExactly("succeeded");
        } else {
          assertThat(t.status()).as("task %s (runs %s)", id, t.runs()).isEqualTo(TaskStatus.QUEUED);
          assertThat(t.runs()).as("task %s", id).isEmpty();
        }
      }
      assertThat(succeeded)
          .as("every handler that returned has its success recorded")
          .isEqualTo(returned.get());
      assertThat(succeeded).isLessThan(ids.size()); // the stop came amid the stream
    }
  }
}
