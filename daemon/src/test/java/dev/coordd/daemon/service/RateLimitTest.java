package dev.coordd.daemon.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.NewTask;
import dev.coordd.api.RateLimitedException;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.TaskQuery;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.DaemonFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-agent create limit: a token bucket per createdBy, answered the same on every door. */
class RateLimitTest {
  @TempDir Path dir;

  private static final Map<String, String> ONE_PER_SECOND_BURST_TWO =
      Map.of("rateLimit", "{\"createsPerSecond\": 1, \"burst\": 2}");

  private static NewTask task(String createdBy) {
    return NewTask.of("review").withAssignedTo("alice").withCreatedBy(createdBy);
  }

  @Test
  void an_agent_past_its_burst_is_told_when_to_retry_and_gets_in_after_that() {
    try (DaemonFixture f = new DaemonFixture(dir, ONE_PER_SECOND_BURST_TWO)) {
      f.service().createTask(task("bot"));
      f.service().createTask(task("bot"));

      assertThatThrownBy(() -> f.service().createTask(task("bot")))
          .isInstanceOfSatisfying(
              RateLimitedException.class, e -> assertThat(e.retryAfterMs()).isEqualTo(1000))
          .hasMessage(
              "rate limited: bot may create 1 tasks per second (bursts of 2; rateLimit in the"
                  + " configuration); retry after 1000 ms");

      f.clock.step(Duration.ofMillis(1000));
      assertThat(f.service().createTask(task("bot")).createdBy()).isEqualTo("bot");
    }
  }

  @Test
  void each_agent_has_its_own_bucket() {
    try (DaemonFixture f = new DaemonFixture(dir, ONE_PER_SECOND_BURST_TWO)) {
      f.service().createTask(task("bot"));
      f.service().createTask(task("bot"));
      assertThatThrownBy(() -> f.service().createTask(task("bot")))
          .isInstanceOf(RateLimitedException.class);

      f.service().createTask(task("human"));
      assertThat(f.service().listTasks(new TaskQuery(null, null, null, 10))).hasSize(3);
    }
  }

  @Test
  void the_socket_door_answers_a_rate_limit_as_the_same_exception_with_its_retry_time()
      throws Exception {
    try (DaemonFixture f = new DaemonFixture(dir, ONE_PER_SECOND_BURST_TWO);
        CoorddClient c = CoorddClient.connect(f.home)) {
      c.createTask(task("bot"));
      c.createTask(task("bot"));
      assertThatThrownBy(() -> c.createTask(task("bot")))
          .isInstanceOfSatisfying(
              RateLimitedException.class, e -> assertThat(e.retryAfterMs()).isEqualTo(1000))
          .hasMessageContaining("retry after 1000 ms");
    }
  }

  @Test
  void without_a_rate_limit_in_the_configuration_creates_are_not_limited() {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      for (int i = 0; i < 300; i++) {
        f.service().createTask(task("bot"));
      }
    }
  }

  @Test
  void schedules_are_not_limited_so_no_slot_is_lost() {
    try (DaemonFixture f = new DaemonFixture(dir, ONE_PER_SECOND_BURST_TWO)) {
      f.service()
          .addSchedule(
              new ScheduleSpec(
                  "tick", null, 1000L, null, NewTask.of("review").withAssignedTo("alice"), null));
      for (int i = 0; i < 5; i++) {
        f.advance(Duration.ofSeconds(1));
      }
      assertThat(f.service().listTasks(new TaskQuery(null, "review", null, 100)))
          .hasSizeGreaterThanOrEqualTo(4);
    }
  }
}
