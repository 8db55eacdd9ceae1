package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.Launcher.Run;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/coordd} as real processes: a daemon, and clients in other processes. */
class EndToEndIT {
  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    launcher.close();
  }

  Path home() {
    return dir.resolve("home");
  }

  Process daemon() throws IOException {
    return launcher.start(
        new ProcessBuilder(Launcher.command(home(), "daemon"))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve("daemon.out").toFile())
            .redirectError(dir.resolve("daemon.err").toFile()));
  }

  void awaitUp(Process daemon) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < until) {
      assertThat(daemon.isAlive()).as("daemon died: %s", log()).isTrue();
      if (Files.exists(SocketPaths.forHome(home())) && coordd("stats", "--json").exit() == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("daemon did not come up: " + log());
  }

  String log() throws IOException {
    Path err = dir.resolve("daemon.err");
    return Files.exists(err) ? Files.readString(err) : "";
  }

  Run coordd(String... args) throws Exception {
    return launcher.run(home(), args);
  }

  @Test
  void a_task_created_from_another_process_with_wait_returns_the_file_operation_result()
      throws Exception {
    Files.writeString(dir.resolve("report.txt"), "all green");
    Process daemon = daemon();
    awaitUp(daemon);
    Run r =
        coordd(
            "task",
            "create",
            "file_operation",
            "--assigned-to",
            "daemon",
            "--wait",
            "30s",
            "--json",
            "--data",
            "{\"operation\":\"read\",\"path\":\"report.txt\"}");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode task = Json.read(r.out());
    assertThat(task.get("status").asText()).isEqualTo("succeeded");
    assertThat(task.at("/result/content").asText()).isEqualTo("all green");

    daemon.destroy(); // SIGTERM: graceful
    assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
    assertThat(home().resolve("coordd.pid")).doesNotExist();
    assertThat(SocketPaths.forHome(home())).doesNotExist();
    assertThat(home().resolve("logs/coordd.log")).exists();
  }

  Process coorddAsync(String... args) throws IOException {
    return launcher.start(home(), args);
  }

  static Run finish(Process p) throws Exception {
    return Launcher.finish(p);
  }

  @Test
  void an_agent_session_takes_an_invocation_and_its_result_reaches_the_waiting_creator()
      throws Exception {
    Process daemon = daemon();
    awaitUp(daemon);
    Process creator =
        coorddAsync(
            "task",
            "create",
            "invoke_agent",
            "--wait",
            "90s",
            "--json",
            "--data",
            "{\"agentType\":\"claude_code\",\"command\":\"review the diff\"}");
    JsonNode pending = Json.MAPPER.createArrayNode();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pending.isEmpty() && System.nanoTime() < until) {
      pending = Json.read(coordd("check", "--json").out());
      Thread.sleep(100);
    }
    assertThat(pending).hasSize(1);
    String id = pending.get(0).get("id").asText();
    assertThat(coordd("check").out()).contains(id).contains("review the diff");

    Process a = coorddAsync("check", "process", id, "--agent", "session-a");
    Process b = coorddAsync("check", "process", id, "--agent", "session-b");
    Run ra = finish(a);
    Run rb = finish(b);
    assertThat(List.of(ra.exit(), rb.exit())).containsExactlyInAnyOrder(0, 1);
    Run loser = ra.exit() == 1 ? ra : rb;
    assertThat(loser.err()).contains("already being processed");

    Run completed = coordd("check", "complete", id, "--result", "{\"verdict\":\"ship it\"}");
    assertThat(completed.exit()).as(completed.err()).isZero();
    Run created = finish(creator);
    assertThat(created.exit()).as(created.err() + created.out()).isZero();
    JsonNode task = Json.read(created.out());
    assertThat(task.get("status").asText()).isEqualTo("succeeded");
    assertThat(task.at("/result/verdict").asText()).isEqualTo("ship it");
  }

  @Test
  void a_second_daemon_on_the_same_home_exits_saying_who_runs() throws Exception {
    Process first = daemon();
    awaitUp(first);
    Run second = coordd("daemon", "--no-console");
    assertThat(second.exit()).isEqualTo(1);
    assertThat(second.err()).contains("already running (pid " + first.pid() + ")");
    assertThat(coordd("stats", "--json").exit()).isZero();
  }

  @Test
  void after_kill_9_a_new_daemon_replaces_the_stale_socket_and_keeps_the_tasks() throws Exception {
    Process first = daemon();
    awaitUp(first);
    String id = coordd("task", "create", "review", "--assigned-to", "alice").out().strip();
    first.destroyForcibly(); // SIGKILL
    first.waitFor(30, TimeUnit.SECONDS);
    assertThat(SocketPaths.forHome(home())).exists();
    assertThat(coordd("stats").exit()).isEqualTo(3);
    Process second = daemon();
    awaitUp(second);
    Run shown = coordd("task", "show", id, "--json");
    assertThat(Json.read(shown.out()).get("status").asText()).isEqualTo("queued");
  }
}
