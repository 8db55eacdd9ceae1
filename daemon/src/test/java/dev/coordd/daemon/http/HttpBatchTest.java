package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/tasks/batch and /api/tasks/batch/complete on a real daemon's HTTP door. */
class HttpBatchTest {
  @TempDir Path dir;
  HttpFixture http;

  @BeforeEach
  void start() throws Exception {
    http = new HttpFixture(dir, "maxPayloadBytes", "4096");
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void a_batch_answers_each_task_or_its_error_in_order() {
    HttpResponse<String> r =
        http.post(
            "/api/tasks/batch",
            "[{\"type\": \"build\", \"assignedTo\": \"w\"}, {\"type\": \"nobody_runs_this\"},"
                + " {\"type\": \"build\", \"assignedTo\": \"w\", \"priority\": 4}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode items = HttpFixture.json(r);
    assertThat(items).hasSize(3);
    assertThat(items.at("/0/task/status").asText()).isEqualTo("queued");
    assertThat(items.at("/1/error/kind").asText()).isEqualTo("invalid");
    assertThat(items.at("/1/error/field").asText()).isEqualTo("type");
    assertThat(items.at("/2/task/priority").asInt()).isEqualTo(4);
  }

  @Test
  void completions_in_a_batch_each_need_their_own_token() {
    CoordinationService s = http.daemon.service();
    s.registerAgent(new AgentRegistration("w", "worker", List.of("build"), null));
    s.createTask(NewTask.of("build"));
    s.createTask(NewTask.of("build"));
    List<Task> claimed = s.claimTasks("w", List.of("build"), 2, 0, null);
    HttpResponse<String> r =
        http.post(
            "/api/tasks/batch/complete",
            "[{\"id\": \""
                + claimed.get(0).id()
                + "\", \"agent\": \"w\", \"token\": \""
                + claimed.get(0).claimToken()
                + "\", \"result\": {\"ok\": true}}, {\"id\": \""
                + claimed.get(1).id()
                + "\", \"agent\": \"w\", \"token\": \"wrong\"}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode items = HttpFixture.json(r);
    assertThat(items.at("/0/task/status").asText()).isEqualTo("succeeded");
    assertThat(items.at("/1/error/kind").asText()).isEqualTo("conflict");
  }

  @Test
  void a_body_that_is_no_array_too_long_or_too_big_is_refused_whole() {
    HttpResponse<String> object = http.post("/api/tasks/batch", "{\"type\": \"build\"}");
    assertThat(object.statusCode()).isEqualTo(400);
    assertThat(HttpFixture.json(object).at("/error/message").asText()).contains("JSON array");

    HttpResponse<String> notJson = http.post("/api/tasks/batch", "[{");
    assertThat(notJson.statusCode()).isEqualTo(400);

    String many =
        "["
            + String.join(
                ",",
                Collections.nCopies(
                    CoordinationService.MAX_BATCH + 1, "{\"type\":\"b\",\"assignedTo\":\"w\"}"))
            + "]";
    HttpResponse<String> tooMany = http.post("/api/tasks/batch", many);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(HttpFixture.json(tooMany).at("/error/message").asText())
        .contains("at most " + CoordinationService.MAX_BATCH);

    HttpResponse<String> tooBig =
        http.post("/api/tasks/batch", "[{\"type\":\"b\",\"data\":\"" + "x".repeat(80_000) + "\"}]");
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(http.daemon.service().stats().coordination().queuedTasks()).isZero();
  }

  @Test
  void without_the_token_a_batch_is_refused() {
    HttpResponse<String> r =
        http.send(
            http.request("/api/tasks/batch")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"type\": \"build\"}]")));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(http.daemon.service().stats().coordination().queuedTasks()).isZero();
  }
}
