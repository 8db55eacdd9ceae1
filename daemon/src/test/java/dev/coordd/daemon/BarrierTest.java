package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarrierTest {
  @TempDir Path dir;

  private static NewTask barrier(String name, String timeout) {
    return NewTask.of("coordination")
        .withData(
            Json.read(
                "{\"action\":\"synchronize_agents\","
                    + "\"agents\":[\"alice\",\"bob\"],\"barrier\":\""
                    + name
                    + "\",\"timeout\":\""
                    + timeout
                    + "\"}"));
  }

  @Test
  void synchronize_agents_completes_when_every_named_agent_has_arrived_and_wakes_its_waiter()
      throws Exception {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir)) {
      Task t = f.service().createTask(barrier("release-1", "1m"));
      f.awaitStatus(t.id(), TaskStatus.WAITING);
      f.service().arrive("release-1", "alice");
      assertThat(f.service().awaitTask(t.id(), 300).status()).isEqualTo(TaskStatus.WAITING);
      assertThat(f.daemon.engine().dispatcher().inFlight())
          .as("a waiting barrier holds no worker")
          .isEmpty();
      CompletableFuture<Task> waiter = CompletableFuture.supplyAsync(() -> f.awaitFinished(t.id()));
      Thread.sleep(100); // let it reach its wait; the result does not depend on it
      f.service().arrive("release-1", "bob");
      Task done = waiter.get(20, TimeUnit.SECONDS);
      assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().get("agents")).hasSize(2);
    }
  }

  @Test
  void agents_that_arrived_before_the_barrier_task_ran_release_it_at_once() {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir)) {
      f.service().arrive("early", "alice");
      f.service().arrive("early", "bob");
      Task t = f.service().createTask(barrier("early", "1m"));
      assertThat(f.awaitFinished(t.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
  }

  @Test
  void a_barrier_name_used_again_waits_for_new_arrivals() {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir)) {
      f.service().arrive("daily", "alice");
      f.service().arrive("daily", "bob");
      Task first = f.service().createTask(barrier("daily", "1m"));
      assertThat(f.awaitFinished(first.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
      Task second = f.service().createTask(barrier("daily", "1m"));
      f.awaitStatus(second.id(), TaskStatus.WAITING);
      f.advance(Duration.ofMillis(300)); // a housekeeping round: yesterday's arrivals are gone
      assertThat(f.service().getTask(second.id()).status()).isEqualTo(TaskStatus.WAITING);
      f.service().arrive("daily", "alice");
      f.service().arrive("daily", "bob");
      assertThat(f.awaitFinished(second.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
  }

  @Test
  void a_waiting_barrier_survives_a_restart() {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir)) {
      Task t = f.service().createTask(barrier("durable", "10m"));
      f.awaitStatus(t.id(), TaskStatus.WAITING);
      f.service().arrive("durable", "alice");
      f.restart();
      f.service().arrive("durable", "bob");
      assertThat(f.awaitFinished(t.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }
  }

  @Test
  void synchronize_agents_fails_at_its_timeout_naming_who_never_came() {
    try (DaemonFixture f = DaemonFixture.wokenOnlyByNotifications(dir)) {
      Task t = f.service().createTask(barrier("release-2", "30s"));
      f.awaitStatus(t.id(), TaskStatus.WAITING);
      f.service().arrive("release-2", "alice");
      f.advance(Duration.ofSeconds(31));
      Task failed = f.awaitStatus(t.id(), TaskStatus.FAILED);
      assertThat(failed.attempts()).isEqualTo(1);
      assertThat(failed.error().kind()).isEqualTo("timeout");
      assertThat(failed.error().message())
          .contains("still waiting for [bob]")
          .contains("arrived: [alice]");
    }
  }
}
