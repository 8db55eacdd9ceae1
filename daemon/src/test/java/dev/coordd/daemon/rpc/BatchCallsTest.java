package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.BatchItem;
import dev.coordd.api.Completion;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** createTasks and completeTasks over the socket, raw and through the Java client. */
class BatchCallsTest {
  @TempDir Path dir;
  Daemon daemon;
  Path home;

  @BeforeEach
  void start() {
    home = dir.resolve("home");
    daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of("maxPayloadBytes", "4096")));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  @Test
  void each_item_gets_its_own_task_or_its_own_error_in_order() throws Exception {
    try (RawClient c = new RawClient(SocketPaths.forHome(home))) {
      JsonNode answer =
          c.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"createTasks\",\"params\":{\"tasks\":["
                  + "{\"type\":\"build\",\"assignedTo\":\"w\"},"
                  + "{\"type\":\"nobody_runs_this\"},"
                  + "null,"
                  + "{\"type\":\"build\",\"assignedTo\":\"w\",\"priority\":-5},"
                  + "{\"type\":\"build\",\"assignedTo\":\"w\",\"data\":{\"big\":\""
                  + "x".repeat(5000)
                  + "\"}},"
                  + "{\"type\":\"build\",\"assignedTo\":\"w\",\"idempotencyKey\":\"k\"}]}}");
      assertThat(answer.get("id").asInt()).isEqualTo(7);
      JsonNode items = answer.get("result");
      assertThat(items).hasSize(6);
      assertThat(items.at("/0/task/status").asText()).isEqualTo("queued");
      assertThat(items.at("/1/error/kind").asText()).isEqualTo("invalid");
      assertThat(items.at("/1/error/field").asText()).isEqualTo("type");
      assertThat(items.at("/2/error/message").asText()).contains("item 2").contains("null");
      assertThat(items.at("/3/error/field").asText()).isEqualTo("priority");
      assertThat(items.at("/4/error/message").asText()).contains("maxPayloadBytes");
      assertThat(items.at("/5/task/idempotencyKey").asText()).isEqualTo("k");
      // Only the good ones were created.
      assertThat(daemon.service().stats().coordination().queuedTasks()).isEqualTo(2);
    }
  }

  @Test
  void a_missing_malformed_or_too_long_list_is_refused_whole() throws Exception {
    try (RawClient c = new RawClient(SocketPaths.forHome(home))) {
      JsonNode missing =
          c.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createTasks\",\"params\":{}}");
      assertThat(missing.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_PARAMS);
      assertThat(missing.at("/error/message").asText()).contains("'tasks' is required");

      JsonNode notList =
          c.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"createTasks\",\"params\":{\"tasks\":5}}");
      assertThat(notList.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_PARAMS);

      String tooMany =
          String.join(
              ",", Collections.nCopies(CoordinationService.MAX_BATCH + 1, "{\"type\":\"b\"}"));
      JsonNode tooLong =
          c.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"createTasks\",\"params\":{\"tasks\":["
                  + tooMany
                  + "]}}");
      assertThat(tooLong.get("id").asInt()).isEqualTo(3);
      assertThat(tooLong.at("/error/message").asText())
          .contains("1001 items")
          .contains("at most " + CoordinationService.MAX_BATCH);

      JsonNode empty =
          c.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"createTasks\",\"params\":{\"tasks\":[]}}");
      assertThat(empty.get("result")).isEmpty();
      assertThat(daemon.service().stats().coordination().queuedTasks()).isZero();
    }
  }

  @Test
  void the_client_creates_and_completes_in_batches_with_per_item_errors() {
    try (CoorddClient c = CoorddClient.connect(home)) {
      c.registerAgent(new AgentRegistration("w", "worker", List.of("build"), null));
      List<NewTask> tasks = new ArrayList<>();
      for (int i = 0; i < CoordinationService.MAX_BATCH; i++) {
        tasks.add(NewTask.of("build").withData(Json.MAPPER.createObjectNode().put("n", i)));
      }
      List<BatchItem> created = c.createTasks(tasks);
      assertThat(created).hasSize(CoordinationService.MAX_BATCH).allMatch(BatchItem::succeeded);
      for (int i = 0; i < created.size(); i++) {
        assertThat(created.get(i).task().data().get("n").asInt()).isEqualTo(i);
      }
      assertThatThrownBy(() -> c.createTasks(List.of(NewTask.of("bad type!"))).get(0).orThrow())
          .isInstanceOf(InvalidRequestException.class);

      List<Task> claimed = c.claimTasks("w", List.of("build"), 3, 0, null);
      List<Completion> completions =
          List.of(
              new Completion(claimed.get(0).id(), "w", claimed.get(0).claimToken(), null),
              new Completion(claimed.get(1).id(), "w", "not-the-token", null),
              new Completion(
                  claimed.get(2).id(),
                  "w",
                  claimed.get(2).claimToken(),
                  Json.MAPPER.createObjectNode().put("ok", true)));
      List<BatchItem> done = c.completeTasks(completions);
      assertThat(done.get(0).task().status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.get(1).succeeded()).isFalse();
      assertThatThrownBy(() -> done.get(1).orThrow()).isInstanceOf(ConflictException.class);
      assertThat(done.get(2).task().result().get("ok").asBoolean()).isTrue();
      assertThat(c.getTask(claimed.get(1).id()).status()).isEqualTo(TaskStatus.RUNNING);

      assertThatThrownBy(
              () ->
                  c.createTasks(
                      Collections.nCopies(CoordinationService.MAX_BATCH + 1, NewTask.of("build"))))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("at most");
    }
  }
}
