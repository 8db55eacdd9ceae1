package dev.coordd.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.cli.Cli;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd task create --batch FILE}, in-process against a real daemon. */
class TaskBatchCreateTest {
  @TempDir Path dir;

  Path home() {
    return dir.resolve("home");
  }

  @Test
  void prints_one_line_per_task_and_reports_each_bad_line() throws Exception {
    Path file = dir.resolve("tasks.jsonl");
    Files.writeString(
        file,
        """
        {"type": "build", "assignedTo": "w", "data": {"n": 1}}

        {"type": "build", "assignedTo": "w", "nope": 1}
        not json
        {"type": "nobody_runs_this"}
        {"type": "build", "assignedTo": "w", "priority": 9}
        """);
    try (Daemon d = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()))) {
      Result r = CliRun.inHome(home(), "task", "create", "--batch", file.toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(Cli.EXIT_FAILED);
      List<String> lines = r.lines();
      assertThat(lines).hasSize(5);
      assertThat(lines.get(0)).isNotBlank();
      assertThat(lines.subList(1, 4)).allMatch(String::isEmpty);
      assertThat(d.service().getTask(lines.get(4)).priority()).isEqualTo(9);
      assertThat(d.service().getTask(lines.get(0)).createdBy()).startsWith("cli:");
      assertThat(r.err())
          .contains("line 3: line 3.nope is not a known field")
          .contains("line 4: line 4 is not JSON")
          .contains("line 5: no handler for task type 'nobody_runs_this'")
          .contains("3 of 5 tasks were not created");
      assertThat(d.service().stats().coordination().queuedTasks()).isEqualTo(2);

      Result json = CliRun.inHome(home(), "task", "create", "--batch", file.toString(), "--json");
      JsonNode items = json.json();
      assertThat(items).hasSize(5);
      assertThat(items.at("/0/line").asInt()).isEqualTo(1);
      assertThat(items.at("/0/task/data/n").asInt()).isEqualTo(1);
      assertThat(items.at("/1/line").asInt()).isEqualTo(3);
      assertThat(items.at("/1/error/kind").asText()).isEqualTo("invalid");
    }
  }

  @Test
  void more_tasks_than_one_batch_holds_go_in_several_calls() throws Exception {
    Path file = dir.resolve("many.jsonl");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2_500; i++) {
      text.append("{\"type\": \"build\", \"assignedTo\": \"w\", \"priority\": ")
          .append(i % 100)
          .append("}\n");
    }
    Files.writeString(file, text);
    try (Daemon d = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()))) {
      Result r = CliRun.inHome(home(), "task", "create", "--batch", file.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.lines()).hasSize(2_500).doesNotHaveDuplicates().noneMatch(String::isBlank);
      assertThat(d.service().stats().coordination().queuedTasks()).isEqualTo(2_500);
    }
  }

  @Test
  void batch_mixed_with_single_task_options_or_without_a_daemon_creates_nothing() throws Exception {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, "{\"type\": \"build\", \"assignedTo\": \"w\"}\n");
    Result mixed = CliRun.inHome(home(), "task", "create", "build", "--batch", file.toString());
    assertThat(mixed.exit()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(mixed.err()).contains("--batch takes every task's fields from its line");

    Result noDaemon = CliRun.inHome(home(), "task", "create", "--batch", file.toString());
    assertThat(noDaemon.exit()).isEqualTo(Cli.EXIT_NO_DAEMON);
    assertThat(noDaemon.err()).contains("nothing was created");

    Result missing =
        CliRun.inHome(home(), "task", "create", "--batch", dir.resolve("absent").toString());
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.err()).contains("cannot read --batch");

    Result neither = CliRun.inHome(home(), "task", "create");
    assertThat(neither.exit()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(neither.err()).contains("TYPE").contains("--batch");
  }

  @Test
  void large_tasks_go_in_calls_the_daemon_accepts() throws Exception {
    // Three tasks of ~400 KB: together they pass the daemon's request limit (1 MiB + envelope),
    // so one call would be refused whole; cut by size, every one is created.
    String big = "x".repeat(400 * 1024);
    Path file = dir.resolve("big.jsonl");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      text.append("{\"type\": \"build\", \"assignedTo\": \"w\", \"data\": {\"s\": \"")
          .append(big)
          .append("\"}}\n");
    }
    Files.writeString(file, text);
    try (Daemon d = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()))) {
      Result r = CliRun.inHome(home(), "task", "create", "--batch", file.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.lines()).hasSize(3).noneMatch(String::isBlank);
      assertThat(d.service().stats().coordination().queuedTasks()).isEqualTo(3);
    }
  }

  @Test
  void calls_are_cut_by_count_and_by_bytes() {
    NewTask small = NewTask.of("build").withAssignedTo("w");
    List<NewTask> many = java.util.Collections.nCopies(2_500, small);
    assertThat(TaskBatchCreate.chunks(many))
        .extracting(List::size)
        .containsExactly(1_000, 1_000, 500);
    NewTask huge =
        NewTask.of("build")
            .withData(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(
                    "y".repeat(TaskBatchCreate.CALL_BYTES)));
    assertThat(TaskBatchCreate.chunks(List.of(small, huge, small, small)))
        .extracting(List::size)
        .containsExactly(1, 1, 2);
    assertThat(TaskBatchCreate.chunks(List.of())).isEmpty();
  }
}
