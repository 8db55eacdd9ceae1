package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The coordd command run in-process (picocli's way) against a real daemon on a temp home. */
class CliTest {
  @TempDir Path dir;
  Daemon daemon;

  Path home() {
    return dir.resolve("home");
  }

  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  @Test
  void create_prints_the_id_and_show_and_list_find_the_task() {
    startDaemon();
    Result created =
        run(
            "task",
            "create",
            "review",
            "--assigned-to",
            "alice",
            "--description",
            "look at it",
            "--priority",
            "4",
            "--data",
            "{\"pr\":17}");
    assertThat(created.exit()).as(created.err()).isZero();
    String id = created.out().strip();
    assertThat(id).matches("[0-9a-f-]{36}");

    Result shown = run("task", "show", id, "--json");
    assertThat(shown.exit()).isZero();
    JsonNode t = shown.json();
    for (String field :
        List.of(
            "id",
            "type",
            "description",
            "status",
            "priority",
            "assignedTo",
            "createdBy",
            "data",
            "result",
            "error",
            "attempts",
            "maxAttempts",
            "createdAt",
            "startedAt",
            "finishedAt")) {
      assertThat(t.has(field)).as(field).isTrue();
    }
    assertThat(t.get("priority").asInt()).isEqualTo(4);
    assertThat(t.at("/data/pr").asInt()).isEqualTo(17);

    Result human = run("task", "show", id);
    assertThat(human.out()).contains("status:      queued").contains("assignedTo:  alice");

    Result list = run("task", "list", "--status", "queued");
    assertThat(list.out()).contains(id).contains("STATUS");
    assertThat(run("task", "list", "--json", "--type", "review").json()).hasSize(1);
  }

  @Test
  void create_with_wait_prints_the_finished_task_and_exits_by_its_outcome() throws Exception {
    startDaemon();
    Files.writeString(dir.resolve("notes.txt"), "hello");
    Result ok =
        run(
            "task",
            "create",
            "file_operation",
            "--wait",
            "10s",
            "--json",
            "--data",
            "{\"operation\":\"read\",\"path\":\"notes.txt\"}");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.json().at("/result/content").asText()).isEqualTo("hello");

    Result missing =
        run(
            "task",
            "create",
            "file_operation",
            "--wait",
            "--data",
            "{\"operation\":\"read\",\"path\":\"nope.txt\"}");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.out()).contains("status:      failed").contains("not_found");
  }

  @Test
  void without_a_daemon_reads_exit_3_and_say_how_to_start_one() {
    Result r = run("task", "list");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("no coordd daemon is running").contains("coordd daemon --home");
    assertThat(run("stats").exit()).isEqualTo(3);
  }

  @Test
  void without_a_daemon_create_goes_to_the_inbox_and_the_next_daemon_creates_it() {
    Result r = run("task", "create", "review", "--assigned-to", "alice", "--description", "later");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("no daemon is running").contains("inbox");
    String key = r.out().strip(); // what ID=$(coordd task create …) captures
    assertThat(key).matches("key:cli-[0-9a-f-]{36}");
    startDaemon();
    Result list = run("task", "list", "--json");
    assertThat(list.json()).hasSize(1);
    assertThat(list.json().get(0).get("description").asText()).isEqualTo("later");
    Result shown = run("task", "show", key, "--json");
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.json().get("id").asText()).isEqualTo(list.json().get(0).get("id").asText());
    Result unknown = run("task", "show", "key:never-queued");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no task with idempotency key 'never-queued'");
  }

  @Test
  void without_a_daemon_create_with_wait_writes_nothing_so_a_retry_cannot_duplicate() {
    Result r = run("task", "create", "review", "--assigned-to", "alice", "--wait", "5s");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).contains("nothing was created", "coordd daemon --detach", "drop --wait");
    startDaemon();
    assertThat(run("task", "list", "--json").json()).isEmpty();
  }

  @Test
  void bad_usage_exits_2_with_a_message() {
    startDaemon();
    Result unknown = run("task", "create", "x", "--bogus");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown option");
    Result negative = run("task", "create", "x", "--assigned-to", "a", "--priority", "-1");
    assertThat(negative.exit()).isEqualTo(2);
    assertThat(negative.err()).contains("priority must be between 0");
    Result duration = run("task", "create", "x", "--assigned-to", "a", "--delay", "soon");
    assertThat(duration.exit()).isEqualTo(2);
    assertThat(duration.err()).contains("--delay");
    Result data = run("task", "create", "x", "--assigned-to", "a", "--data", "{oops");
    assertThat(data.exit()).isEqualTo(2);
    assertThat(data.err()).contains("--data is not valid JSON");
    Result status = run("task", "list", "--status", "done");
    assertThat(status.exit()).isEqualTo(2);
    assertThat(status.err()).contains("allowed: queued");
  }

  @Test
  void an_external_worker_registers_claims_completes_and_fails_tasks() {
    startDaemon();
    assertThat(run("agent", "register", "w", "--kind", "worker", "--capability", "build").exit())
        .isZero();
    String a = run("task", "create", "build").out().strip();
    String b = run("task", "create", "build").out().strip();
    Result claimed =
        run("task", "claim", "--agent", "w", "--type", "build", "--max", "2", "--json");
    assertThat(claimed.json()).hasSize(2);
    Map<String, String> tokens = new java.util.HashMap<>();
    claimed.json().forEach(t -> tokens.put(t.get("id").asText(), t.get("claimToken").asText()));
    Result done =
        run(
            "task",
            "complete",
            a,
            "--agent",
            "w",
            "--token",
            tokens.get(a),
            "--result",
            "{\"ok\":1}");
    assertThat(done.out().strip()).isEqualTo(a + " succeeded");
    Result failed =
        run(
            "task",
            "fail",
            b,
            "--agent",
            "w",
            "--token",
            tokens.get(b),
            "--error",
            "disk full",
            "--json");
    assertThat(failed.json().at("/error/message").asText()).isEqualTo("disk full");
    assertThat(run("agent", "heartbeat", "w").out()).contains("w active");
    Result notMine = run("task", "complete", a, "--agent", "w");
    assertThat(notMine.exit()).isEqualTo(1);
    assertThat(notMine.err()).contains("not running");
    assertThat(run("task", "claim", "--agent", "w", "--type", "nothing").out())
        .contains("nothing to claim");
  }

  @Test
  void claim_with_wait_takes_a_task_created_meanwhile() throws Exception {
    startDaemon();
    CompletableFuture<Result> waiting =
        CompletableFuture.supplyAsync(
            () -> run("task", "claim", "--agent", "w", "--wait", "30s", "--json"));
    Thread.sleep(200);
    String id = run("task", "create", "x", "--assigned-to", "w").out().strip();
    Result claimed = waiting.get(10, TimeUnit.SECONDS);
    assertThat(claimed.json().get(0).get("id").asText()).isEqualTo(id);
  }

  @Test
  void cancel_retry_and_wait_report_the_status() {
    startDaemon();
    String id = run("task", "create", "x", "--assigned-to", "nobody").out().strip();
    Result waited = run("task", "wait", id, "--timeout", "100ms");
    assertThat(waited.exit()).isEqualTo(1);
    assertThat(waited.err()).contains("still queued after 100ms");
    assertThat(run("task", "cancel", id).out().strip()).isEqualTo(id + " cancelled");
    Result again = run("task", "cancel", id);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already cancelled");
    assertThat(run("task", "retry", id).out().strip()).isEqualTo(id + " queued");
    assertThat(run("task", "show", "no-such-id").exit()).isEqualTo(1);
  }

  @Test
  void stats_and_agents_show_the_daemon() {
    startDaemon();
    Result stats = run("stats", "--json");
    assertThat(stats.json().at("/daemon/name").asText()).isEqualTo("daemon");
    assertThat(stats.json().at("/coordination/queuedTasks").isNumber()).isTrue();
    assertThat(run("stats").out()).contains("tasks").contains("queued");
    Result agents = run("agents");
    assertThat(agents.out()).contains("NAME").contains("daemon").contains("active");
    assertThat(run("agents", "--json").json().get(0).get("name").asText()).isEqualTo("daemon");
  }

  @Test
  void queues_are_paused_limited_and_listed() {
    startDaemon();
    run("task", "create", "build", "--assigned-to", "ci");
    assertThat(run("queue", "pause", "build").out()).contains("build paused");
    assertThat(run("queue", "limit", "build", "2").out()).contains("limit 2");
    Result list = run("queue", "list");
    assertThat(list.out()).contains("TYPE").contains("build").contains("paused");
    assertThat(run("queue", "list", "--json").json().get(0).get("queued").asInt()).isEqualTo(1);
    assertThat(run("queue", "limit", "build", "lots").exit()).isEqualTo(2);
    assertThat(run("queue", "limit", "build", "none").out()).contains("limit none");
    assertThat(run("queue", "resume", "build").out()).contains("build active");
  }

  @Test
  void depends_on_makes_a_task_wait_for_another() {
    startDaemon();
    String first = run("task", "create", "x", "--assigned-to", "w").out().strip();
    String second =
        run("task", "create", "x", "--assigned-to", "w", "--depends-on", first).out().strip();
    assertThat(run("task", "show", second, "--json").json().get("status").asText())
        .isEqualTo("waiting");
    Result missing = run("task", "create", "x", "--assigned-to", "w", "--depends-on", "nope");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("only depend on tasks that already exist");
  }

  @Test
  void every_command_has_help() {
    CommandLine root = Main.commandLine();
    List<List<String>> paths = new ArrayList<>();
    collect(root, new ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(12);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result r = run(args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage:");
    }
  }

  private static void collect(CommandLine cl, List<String> prefix, List<List<String>> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      out.add(path);
      collect(e.getValue(), path, out);
    }
  }

  @Test
  void a_shell_completion_script_is_printed() {
    Result r = run("generate-completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete").contains("coordd");
  }
}
