package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single create of a task this daemon's workers can run, while a slot is free, claims it in the
 * create's own transaction: the handler starts after one commit, not two. The task is running by
 * the time the create is answered (a claim after the create's commit would still be on its way).
 */
class HandOffTest {
  @TempDir Path dir;
  DaemonFixture f;
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    if (f != null) {
      f.close();
    }
  }

  /**
   * Until the dispatcher's loop sleeps: a claim of its own in progress holds every free slot, and a
   * create meanwhile finds none to hand off (it then waits in the queue for that loop, correctly).
   */
  private void awaitIdle(int concurrency) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (f.daemon.engine().dispatcher().freeSlots() < concurrency && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    Thread.sleep(20); // past a wake-up signalled just before
    assertThat(f.daemon.engine().dispatcher().freeSlots()).isEqualTo(concurrency);
  }

  private void blockingHandler() {
    f.daemon.registerHandler(
        "hold",
        ctx -> {
          release.await(30, TimeUnit.SECONDS);
          return null;
        });
  }

  @Test
  void a_created_task_is_running_when_its_create_returns() throws Exception {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "2");
    blockingHandler();
    awaitIdle(2);
    Task created = f.service().createTask(NewTask.of("hold"));
    assertThat(created.status()).isEqualTo(TaskStatus.QUEUED); // answered as created
    Task now = f.service().getTask(created.id());
    assertThat(now.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(now.attempts()).isEqualTo(1);
    assertThat(f.daemon.engine().dispatcher().inFlight()).containsExactly(created.id());
    release.countDown();
    assertThat(f.awaitFinished(created.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void without_a_free_slot_the_task_waits_in_the_queue_and_runs_when_one_frees() throws Exception {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "1");
    blockingHandler();
    awaitIdle(1);
    Task first = f.service().createTask(NewTask.of("hold"));
    Task second = f.service().createTask(NewTask.of("hold"));
    assertThat(f.service().getTask(first.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(f.service().getTask(second.id()).status()).isEqualTo(TaskStatus.QUEUED);
    release.countDown();
    assertThat(f.awaitFinished(second.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(f.awaitFinished(first.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void the_claim_in_the_create_takes_the_best_task_not_the_newest() throws Exception {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "concurrency", "1");
    blockingHandler();
    // Delayed: not handed off; then due, with nobody told yet (no housekeeping round, no poll).
    Task urgent = f.service().createTask(NewTask.of("hold").withPriority(9).withDelayMs(60_000));
    assertThat(f.service().getTask(urgent.id()).status()).isEqualTo(TaskStatus.QUEUED);
    awaitIdle(1); // the loop looked (woken by the create) and found nothing due
    f.clock.step(Duration.ofSeconds(61));
    Task plain = f.service().createTask(NewTask.of("hold"));
    assertThat(f.service().getTask(urgent.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(f.service().getTask(plain.id()).status()).isEqualTo(TaskStatus.QUEUED);
  }
}
