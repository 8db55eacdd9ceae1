package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.cli.Launcher;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/coordd mcp} as a real process, stopped the way agent CLIs stop their servers: a
 * signal, then a kill shortly after (Claude Code waits about 100 ms). It must answer {@code
 * initialize} and go promptly on SIGINT and SIGTERM, whatever its session did. Times are printed
 * for the record; the only bound asserted is a generous one on the exit.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class McpSignalIT {
  @TempDir Path dir;
  Daemon daemon;
  final Launcher launcher = new Launcher();

  @AfterEach
  void stop() throws InterruptedException {
    launcher.close();
    if (daemon != null) {
      daemon.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void answers_initialize_and_exits_promptly_on_a_signal_while_holding_a_claim(String signal)
      throws Exception {
    Path home = dir.resolve("home");
    daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
    daemon.service().createTask(NewTask.of("review").withAssignedTo("sig-1"));

    long started = System.nanoTime();
    Process server = launcher.start(home, "mcp");
    OutputStream in = server.getOutputStream();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    send(
        in,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
    JsonNode init = Json.MAPPER.readTree(out.readLine());
    long initialized = System.nanoTime();
    assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("coordd");

    send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    send(
        in,
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"task_claim\",\"arguments\":{\"agent\":\"sig-1\"}}}");
    JsonNode claim = Json.MAPPER.readTree(out.readLine());
    assertThat(claim.path("result").path("isError").asBoolean(false))
        .as(claim.toString())
        .isFalse();

    long signalled = System.nanoTime();
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.waitFor(5, TimeUnit.SECONDS))
        .as("exited within 5 s of SIG" + signal)
        .isTrue();
    long exited = System.nanoTime();
    System.out.printf(
        "coordd mcp: initialize answered %d ms after start; exited %d ms after SIG%s%n",
        TimeUnit.NANOSECONDS.toMillis(initialized - started),
        TimeUnit.NANOSECONDS.toMillis(exited - signalled),
        signal);
  }

  private static void send(OutputStream in, String line) throws Exception {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
