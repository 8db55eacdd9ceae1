package dev.coordd.daemon;

import static dev.coordd.daemon.ClaimTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {
  @TempDir Path dir;
  DaemonFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void a_new_task_wakes_a_worker_at_once_without_waiting_for_the_poll() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    f.daemon.registerHandler("echo", ctx -> ctx.data());
    Task t = f.service().createTask(NewTask.of("echo").withData(Json.read("{\"x\":1}")));
    // No poll for an hour: the create woke the worker, and its finish woke awaitTask.
    Task done = f.awaitFinished(t.id());
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.result().get("x").asInt()).isEqualTo(1);
  }

  @Test
  void a_failing_handler_is_retried_with_backoff_until_failed_and_every_error_is_kept() {
    f = new DaemonFixture(dir, settings("retryBackoffBase", "10s"));
    AtomicInteger calls = new AtomicInteger();
    f.daemon.registerHandler(
        "flaky",
        ctx -> {
          throw new IllegalStateException("boom " + calls.incrementAndGet());
        });
    String id = f.service().createTask(NewTask.of("flaky").withMaxAttempts(3)).id();
    Task afterFirst = awaitAttemptsQueued(id, 1);
    assertThat(afterFirst.runAt()).isGreaterThanOrEqualTo(f.clock.millis() + 5_000);
    f.daemon.engine().dispatcher().claimOnce();
    assertThat(calls.get()).isEqualTo(1); // backoff not over: nothing claimed
    f.advance(Duration.ofSeconds(11));
    awaitAttemptsQueued(id, 2);
    f.advance(Duration.ofSeconds(30));
    Task failed = f.awaitStatus(id, TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.error().message()).isEqualTo("IllegalStateException: boom 3");
    assertThat(failed.runs())
        .extracting(TaskRun::outcome)
        .containsExactly("retry", "retry", "failed");
    assertThat(failed.runs())
        .extracting(r -> r.error().message())
        .containsExactly(
            "IllegalStateException: boom 1",
            "IllegalStateException: boom 2",
            "IllegalStateException: boom 3");
    assertThat(failed.runs()).extracting(r -> r.error().attempt()).containsExactly(1, 2, 3);
  }

  private Task awaitAttemptsQueued(String id, int attempts) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Task t = f.service().getTask(id);
    while (!(t.status() == TaskStatus.QUEUED && t.attempts() == attempts)
        && System.nanoTime() < until) {
      DaemonFixture.sleep(5);
      t = f.service().getTask(id);
    }
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts()).isEqualTo(attempts);
    return t;
  }

  @Test
  void a_retry_on_request_gives_a_failed_task_a_fresh_budget() {
    f = DaemonFixture.wokenOnlyByNotifications(dir); // the retry itself wakes a worker
    AtomicInteger calls = new AtomicInteger();
    f.daemon.registerHandler(
        "once",
        ctx -> {
          if (calls.incrementAndGet() == 1) {
            throw TaskFailure.permanent("bad", "first time fails for good");
          }
          return TextNode.valueOf("fine");
        });
    String id = f.service().createTask(NewTask.of("once")).id();
    Task failed = f.awaitStatus(id, TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.error().kind()).isEqualTo("bad");
    f.service().retryTask(id);
    Task done = f.awaitStatus(id, TaskStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.runs()).extracting(TaskRun::outcome).containsExactly("failed", "succeeded");
  }

  @Test
  void cancelling_a_running_task_interrupts_its_handler() throws Exception {
    f = new DaemonFixture(dir);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    f.daemon.registerHandler(
        "slow",
        ctx -> {
          started.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return null;
        });
    String id = f.service().createTask(NewTask.of("slow")).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Task cancelled = f.service().cancelTask(id);
    assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    Task shown = f.service().getTask(id);
    assertThat(shown.status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(shown.runs()).singleElement().extracting(TaskRun::outcome).isEqualTo("cancelled");
    assertThat(f.daemon.engine().dispatcher().inFlight()).isEmpty();
  }

  @Test
  void cancelling_a_queued_task_means_it_never_runs() {
    f = new DaemonFixture(dir);
    AtomicInteger calls = new AtomicInteger();
    f.daemon.registerHandler("later", ctx -> TextNode.valueOf("ran " + calls.incrementAndGet()));
    String id = f.service().createTask(NewTask.of("later").withDelayMs(60_000)).id();
    f.service().cancelTask(id);
    f.advance(Duration.ofMinutes(2));
    f.daemon.engine().dispatcher().claimOnce();
    assertThat(f.service().getTask(id).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(calls.get()).isZero();
  }

  @Test
  void a_handler_that_hangs_past_its_timeout_fails_that_attempt_and_the_engine_goes_on()
      throws Exception {
    f = new DaemonFixture(dir, settings("concurrency", "1"));
    CountDownLatch hung = new CountDownLatch(1);
    f.daemon.registerHandler(
        "hang",
        ctx -> {
          hung.countDown();
          while (true) {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException ignoredOnPurpose) {
              // a badly behaved handler that swallows interrupts and keeps going
            }
          }
        });
    f.daemon.registerHandler("ok", ctx -> TextNode.valueOf("fine"));
    String hang =
        f.service().createTask(NewTask.of("hang").withTimeoutMs(1_000).withMaxAttempts(1)).id();
    assertThat(hung.await(10, TimeUnit.SECONDS)).isTrue();
    String ok = f.service().createTask(NewTask.of("ok")).id();
    f.advance(Duration.ofSeconds(2));
    Task failed = f.awaitStatus(hang, TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("timeout");
    assertThat(failed.error().message()).contains("timed out after 1s");
    // the only slot was freed although the handler thread never returned
    f.awaitStatus(ok, TaskStatus.SUCCEEDED);
  }

  @Test
  void a_result_over_the_payload_limit_fails_the_attempt() {
    f = new DaemonFixture(dir, settings("maxPayloadBytes", "2048"));
    f.daemon.registerHandler("big", ctx -> TextNode.valueOf("x".repeat(10_000)));
    String id = f.service().createTask(NewTask.of("big").withMaxAttempts(1)).id();
    Task failed = f.awaitStatus(id, TaskStatus.FAILED);
    assertThat(failed.error().kind()).isEqualTo("invalid_result");
    assertThat(failed.error().message()).contains("limit is 2048");
  }

  @Test
  void a_task_assigned_to_the_daemon_with_no_handler_fails_with_a_clear_error() {
    f = new DaemonFixture(dir);
    String id = f.service().createTask(NewTask.of("mystery").withAssignedTo("daemon")).id();
    Task failed = f.awaitStatus(id, TaskStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.error().kind()).isEqualTo("no_handler");
    assertThat(failed.error().message()).contains("no handler for task type 'mystery'");
  }

  @Test
  void graceful_stop_requeues_an_unfinished_task_without_spending_its_attempt() throws Exception {
    f = new DaemonFixture(dir, settings("shutdownGrace", "100ms"));
    CountDownLatch started = new CountDownLatch(1);
    f.daemon.registerHandler(
        "slow",
        ctx -> {
          started.countDown();
          Thread.sleep(60_000);
          return null;
        });
    String id = f.service().createTask(NewTask.of("slow")).id();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    f.daemon.close();
    f.daemon = Daemon.start(f.config, f.clock); // no handler registered: it stays queued
    Task t = f.service().getTask(id);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts()).isZero();
    assertThat(t.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo("requeued");
              assertThat(r.error().kind()).isEqualTo("shutdown");
            });
  }
}
