package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.metrics.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real daemon, scraped by a real HTTP client, parsed as Prometheus. */
class HttpMetricsTest {
  @TempDir Path dir;

  private static PrometheusText scrape(HttpFixture f) {
    HttpResponse<String> r = f.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(r.body());
  }

  @Test
  void counters_and_histograms_move_by_type_when_tasks_run_and_one_type_fails() throws Exception {
    try (HttpFixture f = new HttpFixture(dir)) {
      f.daemon.daemon.registerHandler("m.ok", ctx -> TextNode.valueOf("done"));
      f.daemon.daemon.registerHandler(
          "m.bad",
          ctx -> {
            throw TaskFailure.permanent("broken", "this type always fails");
          });
      PrometheusText before = scrape(f);
      assertThat(before.value("coordd_tasks_submitted_total", "type", "m.ok")).isZero();

      List<Task> tasks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        tasks.add(f.daemon.service().createTask(NewTask.of("m.ok")));
      }
      for (int i = 0; i < 2; i++) {
        tasks.add(f.daemon.service().createTask(NewTask.of("m.bad").withMaxAttempts(1)));
      }
      for (Task t : tasks) {
        TaskStatus end = t.type().equals("m.ok") ? TaskStatus.SUCCEEDED : TaskStatus.FAILED;
        assertThat(f.daemon.awaitStatus(t.id(), end).status()).isEqualTo(end);
      }
      // a task nobody takes: it stays queued, for the queue depth gauge
      f.daemon.service().createTask(NewTask.of("m.idle").withAssignedTo("nobody"));

      // the store-read gauges are cached for a second: scrape until the new task shows (bounded)
      PrometheusText after = scrape(f);
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (after.value("coordd_queue_depth", "type", "m.idle", "status", "queued") == 0
          && System.nanoTime() < until) {
        Thread.sleep(50);
        after = scrape(f);
      }
      assertThat(after.value("coordd_tasks_submitted_total", "type", "m.ok")).isEqualTo(3);
      assertThat(after.value("coordd_tasks_submitted_total", "type", "m.bad")).isEqualTo(2);
      assertThat(after.value("coordd_tasks_claimed_total", "type", "m.ok")).isEqualTo(3);
      assertThat(after.value("coordd_tasks_claimed_total", "type", "m.bad")).isEqualTo(2);
      assertThat(after.value("coordd_tasks_succeeded_total", "type", "m.ok")).isEqualTo(3);
      assertThat(after.value("coordd_tasks_failed_total", "type", "m.ok")).isZero();
      assertThat(after.value("coordd_tasks_failed_total", "type", "m.bad")).isEqualTo(2);
      assertThat(after.value("coordd_tasks_succeeded_total", "type", "m.bad")).isZero();

      String handler = "coordd_handler_duration_seconds";
      assertThat(after.value(handler + "_count", "type", "m.ok", "outcome", "success"))
          .isEqualTo(3);
      assertThat(after.value(handler + "_count", "type", "m.bad", "outcome", "failure"))
          .isEqualTo(2);
      assertThat(
              after.value(handler + "_bucket", "type", "m.ok", "outcome", "success", "le", "+Inf"))
          .isEqualTo(3);
      String delay = "coordd_task_start_delay_seconds";
      assertThat(after.value(delay + "_count", "type", "m.ok")).isEqualTo(3);
      assertThat(after.value(delay + "_bucket", "type", "m.bad", "le", "+Inf")).isEqualTo(2);
      assertThat(after.get(delay + "_bucket", "type", "m.ok", "le", "0.001")).isPresent();
      String claims = "coordd_claim_duration_seconds";
      assertThat(after.value(claims + "_count", "claimer", "daemon"))
          .isGreaterThan(before.value(claims + "_count", "claimer", "daemon"));
      assertThat(after.value("coordd_writer_batch_size_count"))
          .isGreaterThan(before.value("coordd_writer_batch_size_count"));
      assertThat(after.value("coordd_writer_commit_duration_seconds_count"))
          .isGreaterThan(before.value("coordd_writer_commit_duration_seconds_count"));
      assertThat(after.get("coordd_writer_batch_size_bucket", "le", "+Inf")).isPresent();

      assertThat(after.value("coordd_queue_depth", "type", "m.idle", "status", "queued"))
          .isEqualTo(1);
      assertThat(after.value("coordd_queue_depth", "type", "m.idle", "status", "running")).isZero();
      assertThat(after.value("coordd_store_tasks", "status", "succeeded")).isEqualTo(3);
      assertThat(after.value("coordd_agents", "status", "active")).isGreaterThanOrEqualTo(1);
      assertThat(after.value("coordd_connections", "door", "http")).isGreaterThanOrEqualTo(1);
      assertThat(after.get("coordd_connections", "door", "socket")).isPresent();
      assertThat(after.series("jvm_memory_used_bytes")).isNotEmpty();
      assertThat(after.series("jvm_threads_live_threads")).isNotEmpty();
      assertThat(after.series("jvm_classes_loaded_classes")).isNotEmpty();
      assertThat(after.series("process_uptime_seconds")).isNotEmpty();
      assertThat(after.series("process_cpu_usage")).isNotEmpty();
    }
  }

  @Test
  void an_agent_claim_its_expired_lease_and_a_cancel_are_counted() throws Exception {
    try (HttpFixture f = new HttpFixture(dir)) {
      var svc = f.daemon.service();
      svc.registerAgent(new AgentRegistration("w1", "worker", List.of("m.ext"), null));
      Task t = svc.createTask(NewTask.of("m.ext"));
      List<Task> got = svc.claimTasks("w1", List.of("m.ext"), 1, 0, 1_000L);
      assertThat(got).extracting(Task::id).containsExactly(t.id());

      f.daemon.advance(Duration.ofSeconds(5));

      assertThat(svc.getTask(t.id()).status()).isEqualTo(TaskStatus.QUEUED);
      svc.cancelTask(t.id());
      PrometheusText after = scrape(f);
      assertThat(after.value("coordd_tasks_claimed_total", "type", "m.ext")).isEqualTo(1);
      assertThat(after.value("coordd_claim_duration_seconds_count", "claimer", "agent"))
          .isEqualTo(1);
      assertThat(after.value("coordd_leases_expired_total", "type", "m.ext")).isEqualTo(1);
      assertThat(after.value("coordd_tasks_cancelled_total", "type", "m.ext")).isEqualTo(1);
    }
  }

  @Test
  void metrics_need_the_token_like_every_route_but_the_probes() throws Exception {
    try (HttpFixture f = new HttpFixture(dir)) {
      assertThat(f.send(f.request("/metrics").GET()).statusCode()).isEqualTo(401);
      assertThat(
              f.send(f.request("/metrics").header("Authorization", "Bearer wrong").GET())
                  .statusCode())
          .isEqualTo(401);
      assertThat(f.send(f.request("/healthz").GET()).statusCode()).isEqualTo(200);
      assertThat(f.get("/metrics").statusCode()).isEqualTo(200);
    }
  }
}
