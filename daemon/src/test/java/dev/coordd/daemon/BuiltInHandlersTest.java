package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in task types, run by a real daemon end to end. */
class BuiltInHandlersTest {
  @TempDir Path dir;

  @Test
  void file_operation_reads_a_file_inside_the_roots() throws Exception {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      Files.writeString(dir.resolve("data.json"), "{\"n\":1}");
      Task t =
          f.service()
              .createTask(
                  NewTask.of("file_operation")
                      .withAssignedTo("daemon")
                      .withData(Json.read("{\"operation\":\"read\",\"path\":\"data.json\"}")));
      Task done = f.service().awaitTask(t.id(), 10000);
      assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().get("content").asText()).isEqualTo("{\"n\":1}");
    }
  }

  @Test
  void file_operation_escaping_the_roots_fails_for_good_without_retries() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s3cret");
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret"));
    try (DaemonFixture f = new DaemonFixture(dir, Map.of("fileRoots", root.toString()))) {
      for (String path : new String[] {"../outside/secret", "link", outside + "/secret"}) {
        Task t =
            f.service()
                .createTask(
                    NewTask.of("file_operation")
                        .withData(
                            Json.MAPPER
                                .createObjectNode()
                                .put("operation", "read")
                                .put("path", path)));
        Task failed = f.service().awaitTask(t.id(), 10000);
        assertThat(failed.status()).as(path).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.attempts()).as(path).isEqualTo(1);
        assertThat(failed.error().kind()).as(path).isEqualTo("sandbox");
        assertThat(Json.write(failed)).doesNotContain("s3cret");
      }
    }
  }

  @Test
  void file_operation_cannot_touch_the_daemons_own_home() throws Exception {
    try (DaemonFixture f = new DaemonFixture(dir)) {
      for (String path : new String[] {"home/coordd.db", "home/coordd.lock", "home"}) {
        Task t =
            f.service()
                .createTask(
                    NewTask.of("file_operation")
                        .withData(
                            Json.MAPPER
                                .createObjectNode()
                                .put("operation", "delete")
                                .put("path", path)));
        Task failed = f.service().awaitTask(t.id(), 10000);
        assertThat(failed.status()).as(path).isEqualTo(TaskStatus.FAILED);
        assertThat(failed.error().kind()).as(path).isEqualTo("sandbox");
        assertThat(failed.error().message()).as(path).contains("the daemon's own folder");
      }
      assertThat(f.home.resolve("coordd.lock")).exists();
    }
  }

  @Test
  void a_configured_command_handler_gets_the_task_on_stdin_and_returns_its_json() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Files.writeString(
        home.resolve(ConfigLoader.CONFIG_FILE),
        """
        {"commands": {
          "inspect": {"command": ["sh", "-c",
            "if grep -q '\\"type\\":\\"inspect\\"'; then echo '{\\"sawTask\\":true}'; else echo '{}'; fi"]},
          "broken": {"command": ["sh", "-c", "echo oops >&2; exit 3"]}
        }}
        """);
    try (DaemonFixture f = new DaemonFixture(dir)) {
      Task ok = f.service().createTask(NewTask.of("inspect").withDescription("hi"));
      Task broken = f.service().createTask(NewTask.of("broken").withMaxAttempts(1));
      Task done = f.service().awaitTask(ok.id(), 10000);
      assertThat(done.status()).as("%s", done.error()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(done.result().path("sawTask").asBoolean()).isTrue();
      Task failed = f.service().awaitTask(broken.id(), 10000);
      assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
      assertThat(failed.error().kind()).isEqualTo("exit_code");
      assertThat(failed.error().message()).contains("oops");
    }
  }
}
