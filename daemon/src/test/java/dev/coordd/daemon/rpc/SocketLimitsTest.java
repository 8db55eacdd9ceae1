package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.client.RpcErrors;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket door's limits, on a second door over a real daemon's service with limits small enough
 * to reach: a connection cap, an idle timeout that spares connections with work in progress, and
 * answers still owed to a client that half-closed its side.
 */
class SocketLimitsTest {
  static final String STATS = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats\"}";

  @TempDir Path dir;
  Daemon daemon;
  RpcServer door;

  @BeforeEach
  void start() {
    daemon = Daemon.start(ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    if (door != null) {
      door.close();
    }
    daemon.close();
  }

  Path open(int maxConnections, Duration idleTimeout) throws Exception {
    Path doorHome = Files.createDirectories(dir.resolve("door"));
    door =
        new RpcServer(
            doorHome,
            new MethodTable(daemon.service()),
            new SocketLimits(4096, maxConnections, idleTimeout));
    return SocketPaths.forHome(doorHome);
  }

  static String await(Task task, long timeoutMs) {
    return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"awaitTask\",\"params\":{\"id\":\""
        + task.id()
        + "\",\"timeoutMs\":"
        + timeoutMs
        + "}}";
  }

  @Test
  void a_connection_over_the_cap_is_told_why_and_closed() throws Exception {
    Path socket = open(2, Duration.ofMinutes(10));
    try (RawClient first = new RawClient(socket);
        RawClient second = new RawClient(socket)) {
      assertThat(first.ask(STATS).has("result")).isTrue();
      assertThat(second.ask(STATS).has("result")).isTrue();
      try (RawClient third = new RawClient(socket)) {
        JsonNode refused = third.answer();
        assertThat(refused.at("/error/code").asInt()).isEqualTo(RpcErrors.UNAVAILABLE);
        assertThat(refused.at("/error/message").asText())
            .startsWith("too many connections: the daemon serves at most 2 at once")
            .contains("raise socket.maxConnections");
        assertThat(third.readLine()).as("then the door closes").isNull();
      }
      assertThat(first.ask(STATS).has("result")).as("the admitted ones go on").isTrue();
    }
  }

  @Test
  void a_connection_that_sends_nothing_is_closed_after_the_idle_timeout() throws Exception {
    Path socket = open(10, Duration.ofMillis(200));
    try (RawClient quiet = new RawClient(socket)) {
      assertThat(quiet.ask(STATS).has("result")).isTrue();
      JsonNode notice = quiet.answer(); // RawClient bounds the wait at 10 s
      assertThat(notice.at("/error/message").asText())
          .startsWith("closing this connection: it sent nothing for PT0.2S")
          .contains("socket.idleTimeout");
      assertThat(quiet.readLine()).isNull();
    }
  }

  @Test
  void a_connection_with_a_long_wait_in_progress_is_not_idle() throws Exception {
    Path socket = open(10, Duration.ofMillis(200));
    Task task = daemon.service().createTask(NewTask.of("x").withAssignedTo("nobody"));
    try (RawClient waiting = new RawClient(socket)) {
      // the wait outlasts the idle timeout several times over and still gets its answer
      JsonNode answer = waiting.ask(await(task, 1_500));
      assertThat(answer.get("id").asInt()).isEqualTo(2);
      assertThat(answer.has("result")).as("%s", answer).isTrue();
    }
  }

  @Test
  void a_client_that_half_closes_still_gets_the_answers_to_its_long_waits() throws Exception {
    Path socket = open(10, Duration.ofMinutes(10));
    Task task = daemon.service().createTask(NewTask.of("x").withAssignedTo("nobody"));
    try (RawClient client = new RawClient(socket)) {
      client.send(await(task, 60_000));
      assertThat(client.ask(STATS).has("result")).as("the wait is in progress").isTrue();
      client.channel.shutdownOutput();

      daemon.service().cancelTask(task.id());

      JsonNode answer = client.answer();
      assertThat(answer.get("id").asInt()).isEqualTo(2);
      assertThat(answer.at("/result/status").asText()).isEqualTo("cancelled");
      assertThat(client.readLine()).as("then the daemon closes").isNull();
    }
  }

  @Test
  void the_limits_come_from_the_configuration() {
    DaemonConfig defaults = DaemonConfig.defaults(dir.resolve("other"));
    assertThat(SocketLimits.of(defaults))
        .isEqualTo(new SocketLimits(1 << 20, 256, Duration.ofMinutes(10)));
    DaemonConfig set =
        ConfigLoader.load(
            dir.resolve("other"),
            Map.of(),
            Map.of("socket.maxConnections", "8", "socket.idleTimeout", "30s"));
    assertThat(SocketLimits.of(set))
        .isEqualTo(new SocketLimits(1 << 20, 8, Duration.ofSeconds(30)));
  }
}
