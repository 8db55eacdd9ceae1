package dev.coordd.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.Cli;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code task create} with no daemon running: a type the configuration has no handler for, with no
 * agent named, is refused before anything is written; configured and built-in types, and any type
 * assigned to an agent, go to the inbox.
 */
class OfflineCreateTest {
  @TempDir Path dir;

  Path home() {
    return dir.resolve("home");
  }

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  long inboxFiles() throws IOException {
    Path inbox = home().resolve("inbox");
    if (!Files.exists(inbox)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(inbox)) {
      return all.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void an_unknown_type_is_refused_at_once_naming_the_known_types_and_how_to_add_one()
      throws IOException {
    Files.createDirectories(home());
    Files.writeString(
        home().resolve("config.json"), "{\"commands\": {\"build\": {\"command\": [\"make\"]}}}");

    Result r = run("task", "create", "biuld", "--data", "{\"target\":\"all\"}");

    assertThat(r.exit()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("coordd: unknown task type 'biuld': no daemon is running on " + home())
        .contains("known types: build, coordination, file_operation, invoke_agent")
        .contains("nothing was written")
        .contains("--assigned-to AGENT")
        .contains("{\"commands\": {\"biuld\": {\"command\": [\"your-program\"]}}}")
        .contains("coordd daemon --detach --home " + home());
    assertThat(inboxFiles()).isZero();
  }

  @Test
  void configured_and_built_in_types_and_assigned_tasks_go_to_the_inbox() throws IOException {
    Files.createDirectories(home());
    Files.writeString(
        home().resolve("config.json"), "{\"commands\": {\"build\": {\"command\": [\"make\"]}}}");

    Result configured = run("task", "create", "build");
    Result builtIn =
        run(
            "task",
            "create",
            "file_operation",
            "--data",
            "{\"operation\":\"list\",\"path\":\".\"}");
    Result assigned = run("task", "create", "review", "--assigned-to", "alice");

    for (Result r : new Result[] {configured, builtIn, assigned}) {
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out().strip()).startsWith("key:");
    }
    assertThat(inboxFiles()).isEqualTo(3);
  }
}
