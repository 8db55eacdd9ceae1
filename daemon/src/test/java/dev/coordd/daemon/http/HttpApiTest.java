package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpApiTest {
  @TempDir Path dir;
  HttpFixture http;

  @BeforeEach
  void start() throws IOException {
    http = new HttpFixture(dir, "maxPayloadBytes", "1024");
  }

  @AfterEach
  void stop() {
    http.close();
  }

  private Task queued(String type) {
    return http.daemon.service().createTask(NewTask.of(type).withAssignedTo("nobody"));
  }

  @Test
  void every_browse_endpoint_answers_json() {
    Task t = queued("build");
    http.daemon.service().publish("build.done", null, "tester");
    http.daemon.service().acquireLock("repo/src", "alice", 60_000, false, 0);
    for (String path :
        List.of(
            "/api/tasks",
            "/api/agents",
            "/api/invocations",
            "/api/events",
            "/api/locks",
            "/api/schedules",
            "/api/queues")) {
      HttpResponse<String> r = http.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(HttpFixture.json(r).get("items").isArray()).as(path).isTrue();
    }
    assertThat(HttpFixture.json(http.get("/api/tasks")).at("/items/0/id").asText())
        .isEqualTo(t.id());
    assertThat(HttpFixture.json(http.get("/api/agents")).findValuesAsText("name"))
        .containsExactly("alice", "daemon");
    assertThat(HttpFixture.json(http.get("/api/events")).at("/items/0/topic").asText())
        .isEqualTo("build.done");
    assertThat(HttpFixture.json(http.get("/api/locks")).at("/items/0/resource").asText())
        .isEqualTo("repo/src");
    assertThat(HttpFixture.json(http.get("/api/queues")).at("/items/0/type").asText())
        .isEqualTo("build");
    assertThat(HttpFixture.json(http.get("/api/stats")).at("/coordination/queuedTasks").asLong())
        .isEqualTo(1);
  }

  @Test
  void one_task_comes_with_its_attempts_and_filters_narrow_the_list() {
    Task build = queued("build");
    queued("test");
    JsonNode one = HttpFixture.json(http.get("/api/tasks/" + build.id()));
    assertThat(one.get("id").asText()).isEqualTo(build.id());
    assertThat(one.get("runs").isArray()).isTrue();
    JsonNode builds =
        HttpFixture.json(http.get("/api/tasks?type=build&status=queued&assignedTo=nobody"));
    assertThat(builds.get("items")).hasSize(1);
    assertThat(builds.at("/items/0/type").asText()).isEqualTo("build");
    assertThat(HttpFixture.json(http.get("/api/tasks?status=running")).get("items")).isEmpty();
  }

  @Test
  void the_cursor_pages_past_ten_thousand_tasks() throws Exception {
    // Deep enough that the old paging (refetch from the newest, at most 10,000) refused it.
    List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      for (int w = 0; w < 8; w++) {
        pool.submit(
            () -> {
              for (int i = 0; i < (TaskQuery.MAX_LIMIT + 24) / 8; i++) {
                created.add(queued("build").id());
              }
            });
      }
    }
    List<String> oldestFirst = created.stream().sorted().toList();
    assertThat(oldestFirst).hasSize(TaskQuery.MAX_LIMIT + 24);
    // Start below the 10,009th newest.
    String deep = oldestFirst.get(15);
    JsonNode page =
        HttpFixture.json(
            http.get("/api/tasks?limit=10&cursor=" + Cursors.encode(TaskPages.KIND, deep)));
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).isEqualTo(oldestFirst.subList(5, 15).reversed());
    String next = page.get("next").asText();
    JsonNode last = HttpFixture.json(http.get("/api/tasks?limit=10&cursor=" + next));
    assertThat(last.get("items")).hasSize(5);
    assertThat(last.get("next").isNull()).isTrue();
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    assertField(http.get("/api/tasks?status=bogus"), "status");
    assertField(http.get("/api/tasks?limit=0"), "limit");
    assertField(http.get("/api/tasks?limit=many"), "limit");
    assertField(http.get("/api/tasks?cursor=xyz"), "cursor");
    assertField(http.get("/api/tasks?colour=red"), "colour");
    String agentsCursor = Cursors.encode("agents", "daemon");
    assertField(http.get("/api/tasks?cursor=" + agentsCursor), "cursor");
    String notAnId = Cursors.encode(TaskPages.KIND, "x".repeat(200));
    assertField(http.get("/api/tasks?cursor=" + notAnId), "cursor");
  }

  private static void assertField(HttpResponse<String> r, String field) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode error = HttpFixture.json(r).get("error");
    assertThat(error.get("code").asText()).isEqualTo("invalid");
    assertThat(error.get("field").asText()).isEqualTo(field);
    assertThat(error.get("message").asText()).isNotBlank();
  }

  @Test
  void unknown_things_are_404_and_conflicts_409() {
    HttpResponse<String> missing = http.get("/api/tasks/0190f0f0-0000-7000-8000-000000000000");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(HttpFixture.json(missing).at("/error/code").asText()).isEqualTo("not_found");
    HttpResponse<String> noRoute = http.get("/api/nothing-here");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(HttpFixture.json(noRoute).at("/error/code").asText()).isEqualTo("not_found");

    Task t = queued("build");
    HttpResponse<String> retryQueued = http.post("/api/tasks/" + t.id() + "/retry", "");
    assertThat(retryQueued.statusCode()).as(retryQueued.body()).isEqualTo(409);
    assertThat(HttpFixture.json(retryQueued).at("/error/code").asText()).isEqualTo("conflict");

    HttpResponse<String> cancel = http.post("/api/tasks/" + t.id() + "/cancel", "");
    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(HttpFixture.json(cancel).get("status").asText()).isEqualTo("cancelled");
    HttpResponse<String> retry = http.post("/api/tasks/" + t.id() + "/retry", "");
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(HttpFixture.json(retry).get("status").asText()).isEqualTo("queued");
  }

  @Test
  void a_body_over_the_limit_is_a_413() {
    String big =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\",\"pad\":\""
            + "x".repeat(70_000)
            + "\"}";
    HttpResponse<String> r = http.post("/rpc", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(HttpFixture.json(r).at("/error/message").asText()).contains("maxPayloadBytes");
  }

  @Test
  void paging_walks_every_task_once() {
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(queued("build").id());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          HttpFixture.json(
              http.get("/api/tasks?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
      page.get("items").forEach(t -> seen.add(t.get("id").asText()));
      cursor = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
      if (pages == 1) {
        queued("build"); // created while paging: newest, so it does not shift later pages
      }
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(7).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(created);
    assertThat(seen).isSortedAccordingTo((a, b) -> b.compareTo(a));

    JsonNode agents = HttpFixture.json(http.get("/api/agents?limit=1"));
    assertThat(agents.get("items")).hasSize(1);
  }

  @Test
  void json_rpc_runs_the_socket_methods() {
    HttpResponse<String> created =
        http.post(
            "/rpc",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"createTask\",\"params\":{\"task\":{\"type\":\"build\",\"assignedTo\":\"nobody\"}}}");
    assertThat(created.statusCode()).isEqualTo(200);
    JsonNode answer = HttpFixture.json(created);
    assertThat(answer.get("id").asInt()).isEqualTo(7);
    String id = answer.at("/result/id").asText();
    assertThat(http.daemon.service().getTask(id).type()).isEqualTo("build");

    JsonNode bad =
        HttpFixture.json(
            http.post(
                "/rpc",
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"getTask\",\"params\":{\"idd\":1}}"));
    assertThat(bad.at("/error/data/field").asText()).isEqualTo("idd");
    JsonNode unknown =
        HttpFixture.json(http.post("/rpc", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"nope\"}"));
    assertThat(unknown.at("/error/message").asText()).contains("unknown method 'nope'");
    JsonNode notJson = HttpFixture.json(http.post("/rpc", "{not json"));
    assertThat(notJson.at("/error/code").asInt()).isEqualTo(-32700);
    assertThat(http.post("/rpc", "{\"jsonrpc\":\"2.0\",\"method\":\"stats\"}").statusCode())
        .isEqualTo(204);
  }
}
