package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.coordd.api.Event;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Depth limits are the same on the way in and out: data as deep as a request may carry is stored
 * and delivered to its readers, deeper data is refused when it arrives, and an answer that still
 * cannot be written becomes an error answer instead of silence.
 */
class DeepJsonTest {
  /** The levels of a publish request around its data: the request object and its params. */
  static final int REQUEST_LEVELS = 2;

  @TempDir Path dir;

  static String nestedArrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** Event data (an object) whose levels, its own included, number {@code levels}. */
  static String deepData(int levels) {
    return "{\"a\":" + nestedArrays(levels - 1) + "}";
  }

  static int levelsOf(JsonNode data) {
    return 1 + depthOf(data.get("a"));
  }

  static int depthOf(JsonNode node) {
    int depth = 0;
    while (node != null && node.isArray()) {
      depth++;
      node = node.get(0);
    }
    return depth;
  }

  static String publish(int id, String data) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"publish\",\"params\":{\"topic\":\"deep\",\"data\":"
        + data
        + ",\"source\":\"test\"}}";
  }

  @Test
  void data_nested_to_the_limit_reaches_its_watchers_and_inbox_readers() throws Exception {
    Path home = dir.resolve("home");
    int depth = Json.MAX_DEPTH - REQUEST_LEVELS;
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient client = CoorddClient.connect(home);
        RawClient raw = new RawClient(SocketPaths.forHome(home))) {
      client.subscribe("reader", "deep");

      JsonNode published = raw.ask(publish(1, deepData(depth)));
      assertThat(published.has("result")).as("%s", published).isTrue();

      List<Event> watched = client.awaitEvents(List.of("deep"), 0, 10, 5_000);
      assertThat(watched).hasSize(1);
      assertThat(levelsOf(watched.get(0).data())).isEqualTo(depth);

      List<Event> inbox = client.inbox("reader", 10, 5_000).events();
      assertThat(inbox).hasSize(1);
      assertThat(levelsOf(inbox.get(0).data())).isEqualTo(depth);
    }
  }

  @Test
  void data_nested_past_the_limit_is_refused_naming_the_limit() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        RawClient raw = new RawClient(SocketPaths.forHome(home))) {
      JsonNode refused = raw.ask(publish(2, deepData(Json.MAX_DEPTH - REQUEST_LEVELS + 1)));
      assertThat(refused.get("id").asInt()).as("the caller's id is answered").isEqualTo(2);
      assertThat(refused.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_REQUEST);
      assertThat(refused.at("/error/message").asText())
          .contains("nests deeper than " + Json.MAX_DEPTH + " levels")
          .contains("send flatter data");
      assertThat(raw.ask("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"stats\"}").has("result"))
          .as("the connection goes on")
          .isTrue();
    }
    // what the command line parses from --data meets the same limit before it is sent
    assertThatThrownBy(() -> Json.parse("data", nestedArrays(Json.MAX_DEPTH + 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("data is refused: it nests deeper than " + Json.MAX_DEPTH);
  }

  @Test
  void an_answer_that_cannot_be_written_becomes_an_error_answer_with_its_id() {
    // built in memory, where no parser limits it: deeper than any writer allows
    ArrayNode tooDeep = Json.MAPPER.createArrayNode();
    ArrayNode inner = tooDeep;
    for (int i = 0; i < Json.MAX_DEPTH + Json.ENVELOPE_DEPTH; i++) {
      inner = inner.addArray();
    }
    JsonNode request = Json.MAPPER.createObjectNode().put("method", "awaitEvents").put("id", 7);
    Requests.Incoming incoming = new Requests.Incoming(request, null, IntNode.valueOf(7));

    byte[] line = Requests.encode(incoming, Requests.answer(IntNode.valueOf(7), tooDeep, null));

    JsonNode answer = Json.read(new String(line, StandardCharsets.UTF_8));
    assertThat(answer.get("id").asInt()).isEqualTo(7);
    assertThat(answer.at("/error/code").asInt()).isEqualTo(RpcErrors.INTERNAL_ERROR);
    assertThat(answer.at("/error/message").asText())
        .startsWith("the answer to awaitEvents could not be written");
  }
}
