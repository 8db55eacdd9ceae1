package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A raw socket client speaking (and mis-speaking) JSON-RPC to a real daemon. */
class SocketProtocolTest {
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

  final class Raw implements AutoCloseable {
    final SocketChannel ch;
    final OutputStream out;
    final BufferedReader in;

    Raw() throws IOException {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(SocketPaths.forHome(home)));
      out = Channels.newOutputStream(ch);
      in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    JsonNode ask(String line) throws IOException {
      send(line + "\n");
      return Json.read(in.readLine());
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  @Test
  void the_socket_is_private_to_its_owner() throws Exception {
    Path socket = SocketPaths.forHome(home);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");
  }

  @Test
  void a_valid_request_is_answered_with_its_id() throws Exception {
    try (Raw raw = new Raw()) {
      JsonNode r = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"stats\"}");
      assertThat(r.get("id").asInt()).isEqualTo(7);
      assertThat(r.at("/result/daemon/name").asText()).isEqualTo("daemon");
    }
  }

  @Test
  void garbage_gets_a_parse_error_and_the_connection_goes_on() throws Exception {
    try (Raw raw = new Raw()) {
      JsonNode r = raw.ask("this is not json {");
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.PARSE_ERROR);
      assertThat(r.get("id").isNull()).isTrue();
      assertThat(raw.ask("[1,2,3]").at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_REQUEST);
      assertThat(raw.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}").has("result"))
          .isTrue();
    }
  }

  @Test
  void an_unknown_method_lists_the_methods() throws Exception {
    try (Raw raw = new Raw()) {
      JsonNode r = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"explode\"}");
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.METHOD_NOT_FOUND);
      assertThat(r.at("/error/message").asText())
          .contains("unknown method 'explode'")
          .contains("createTask");
    }
  }

  @Test
  void bad_params_name_the_parameter() throws Exception {
    try (Raw raw = new Raw()) {
      JsonNode r =
          raw.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"claimTasks\","
                  + "\"params\":{\"agent\":\"w\"}}");
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_PARAMS);
      assertThat(r.at("/error/message").asText()).contains("missing parameter 'max'");
      r = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"getTask\",\"params\":{\"idd\":1}}");
      assertThat(r.at("/error/message").asText()).contains("unknown parameter 'idd'");
      r =
          raw.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"createTask\","
                  + "\"params\":{\"task\":{\"type\":\"x\",\"priority\":\"high\"}}}");
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_PARAMS);
      assertThat(r.at("/error/data/field").asText()).isEqualTo("task");
      r =
          raw.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"getTask\",\"params\":{\"id\":\"nope\"}}");
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.NOT_FOUND);
      assertThat(r.at("/error/data/kind").asText()).isEqualTo("not_found");
    }
  }

  @Test
  void an_oversized_line_gets_an_error_and_the_next_line_still_works() throws Exception {
    try (Raw raw = new Raw()) {
      String huge =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\",\"pad\":\""
              + "x".repeat(200_000)
              + "\"}";
      JsonNode r = raw.ask(huge);
      assertThat(r.get("id").asInt()).as("the id is still answered").isEqualTo(1);
      assertThat(r.at("/error/code").asInt()).isEqualTo(RpcErrors.INVALID_REQUEST);
      assertThat(r.at("/error/message").asText())
          .contains("the limit is 4096 (maxPayloadBytes)")
          .contains("raise maxPayloadBytes");
      assertThat(raw.ask("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"stats\"}").get("id").asInt())
          .isEqualTo(2);
    }
  }

  @Test
  void a_half_line_then_hang_up_does_not_hurt_the_daemon() throws Exception {
    try (Raw raw = new Raw()) {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"met");
    }
    try (Raw raw = new Raw()) {
      assertThat(raw.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}").has("result"))
          .isTrue();
    }
  }

  @Test
  void a_notification_is_executed_without_an_answer() throws Exception {
    try (Raw raw = new Raw()) {
      raw.send(
          "{\"jsonrpc\":\"2.0\",\"method\":\"registerAgent\","
              + "\"params\":{\"registration\":{\"name\":\"quiet\"}}}\n");
      // Requests run concurrently: the notification's effect shows once it has run, unannounced.
      JsonNode r = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"listAgents\"}");
      assertThat(r.get("id").asInt()).isEqualTo(9);
      for (int i = 0; i < 200 && !r.get("result").findValuesAsText("name").contains("quiet"); i++) {
        Thread.sleep(50);
        r = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"listAgents\"}");
        assertThat(r.get("id").asInt()).as("no answer to the notification").isEqualTo(10);
      }
      assertThat(r.get("result").findValuesAsText("name")).contains("quiet");
    }
  }

  @Test
  void a_long_wait_does_not_block_other_requests_on_the_same_connection() throws Exception {
    try (Raw raw = new Raw()) {
      JsonNode created =
          raw.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createTask\","
                  + "\"params\":{\"task\":{\"type\":\"x\",\"assignedTo\":\"alice\"}}}");
      String id = created.at("/result/id").asText();
      raw.send(
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"awaitTask\","
              + "\"params\":{\"id\":\""
              + id
              + "\",\"timeoutMs\":60000}}\n");
      JsonNode stats = raw.ask("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"stats\"}");
      assertThat(stats.get("id").asInt()).isEqualTo(3);
      raw.send(
          "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"cancelTask\","
              + "\"params\":{\"id\":\""
              + id
              + "\"}}\n");
      JsonNode a = Json.read(raw.in.readLine());
      JsonNode b = Json.read(raw.in.readLine());
      JsonNode waited = a.get("id").asInt() == 2 ? a : b;
      assertThat(waited.at("/result/status").asText()).isEqualTo("cancelled");
    }
  }

  /**
   * JSON may escape a lone UTF-16 surrogate, which no UTF-8 text can hold: the task is created and
   * its answer still written (the surrogate as '?'), rather than the answer failing after the work
   * was done.
   */
  @Test
  void a_lone_surrogate_escape_in_data_is_answered() throws Exception {
    try (Raw c = new Raw()) {
      JsonNode answer =
          c.ask(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"createTask\",\"params\":{\"task\":"
                  + "{\"type\":\"x\",\"assignedTo\":\"w\",\"data\":{\"s\":\"a\\ud800b\"}}}}");
      assertThat(answer.has("error")).as(answer.toString()).isFalse();
      assertThat(answer.at("/result/data/s").asText()).isEqualTo("a?b");
    }
  }
}
