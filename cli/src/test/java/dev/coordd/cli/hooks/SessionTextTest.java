package dev.coordd.cli.hooks;

import static dev.coordd.cli.hooks.HookCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session-start text with everything an agent can have waiting, against a real daemon: every
 * kind is named with its count and the command to act, and the whole stays under 1,000 tokens.
 */
class SessionTextTest {
  static final String START =
      "{\"session_id\":\"abcdef12-3456\",\"cwd\":\"/w\",\"hook_event_name\":\"SessionStart\","
          + "\"source\":\"startup\"}";
  static final String NAME = "reviewer@abcdef12";

  @TempDir Path dir;
  Daemon daemon;

  Path home() {
    return dir.resolve("home");
  }

  @BeforeEach
  void start() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  String context(String... flags) {
    List<String> args = new ArrayList<>(List.of("hook", "session-start", "--home"));
    args.add(home().toString());
    args.addAll(List.of(flags));
    return Json.read(run(START, args).out()).at("/hookSpecificOutput/additionalContext").asText();
  }

  void writeInvocation(int i, String command) throws Exception {
    Invocation inv =
        new Invocation(
            "inv-" + i,
            "task-" + i,
            "claude_code",
            command,
            Json.MAPPER.createObjectNode(),
            Invocation.PENDING,
            1_000 + i,
            null,
            null,
            null,
            null,
            null,
            null);
    Path pending = Files.createDirectories(home().resolve("invocations").resolve("pending"));
    Files.writeString(pending.resolve("inv-" + i + ".json"), Json.write(inv));
  }

  /** Ten of each kind, every text long: running, queued (instance and role), invocations… */
  void tenOfEach() throws Exception {
    context("--agent", "reviewer"); // registers reviewer@abcdef12
    String longText = "a long description that goes on and on ".repeat(20);
    try (CoorddClient c = client()) {
      for (int i = 0; i < 10; i++) {
        c.createTask(NewTask.of("build").withAssignedTo(NAME).withDescription("run " + longText));
      }
      c.claimTasks(NAME, List.of("build"), 10, 0, null);
      for (int i = 0; i < 10; i++) {
        c.createTask(
            NewTask.of("review")
                .withAssignedTo(i % 2 == 0 ? NAME : "reviewer")
                .withPriority(i)
                .withDescription("review " + i + " " + longText));
      }
      c.subscribe(NAME, "news.*");
      for (int i = 0; i < 10; i++) {
        c.publish("news.release", Json.read("{\"text\":\"" + longText + i + "\"}"), "publisher");
      }
      for (int i = 0; i < 10; i++) {
        c.acquireLock("src/module-" + i + "/" + "deep/".repeat(20), NAME, 600_000, false, 0);
      }
    }
    for (int i = 0; i < 10; i++) {
      writeInvocation(i, "invocation " + i + " " + longText);
    }
  }

  CoorddClient client() {
    return CoorddClient.connect(home());
  }

  @Test
  void ten_of_each_kind_stay_under_a_thousand_tokens_and_name_every_kind() throws Exception {
    tenOfEach();

    String text = context("--agent", "reviewer");

    assertThat(text.length()).as(text).isLessThan(4_000);
    assertThat(text)
        .startsWith("coordd: you are agent " + NAME + " (role reviewer, kind claude_code)")
        .contains(
            "Tasks you are running (10): finish each with coordd task complete ID --agent "
                + NAME
                + " --token TOKEN --result JSON")
        .contains("Tasks queued for you or your role reviewer (10, best first)")
        .contains("coordd task claim --agent " + NAME)
        .contains("Invocations waiting for an AI agent (10)")
        .contains("coordd check process ID --agent " + NAME)
        .contains("Inbox of " + NAME + ": 10 unread")
        .contains("coordd inbox --agent " + NAME + " --ack")
        .contains("Locks you hold (10)")
        .contains("coordd lock release RESOURCE --agent " + NAME)
        .contains("more: coordd task list --status running");
    assertThat(text.lines().filter(l -> l.startsWith("- "))).allMatch(l -> l.length() < 160);
  }

  @Test
  void queued_work_of_the_instance_and_the_role_is_merged_best_first() throws Exception {
    context("--agent", "reviewer");
    Task low;
    Task high;
    try (CoorddClient c = client()) {
      low = c.createTask(NewTask.of("review").withAssignedTo(NAME).withDescription("low"));
      high =
          c.createTask(
              NewTask.of("review")
                  .withAssignedTo("reviewer")
                  .withPriority(9)
                  .withDescription("hi"));
      c.createTask(NewTask.of("review").withAssignedTo("someone-else").withDescription("no"));
    }

    String text = context("--agent", "reviewer");

    assertThat(text)
        .contains("Tasks queued for you or your role reviewer (2, best first)")
        .contains("- " + high.id() + " [review] for reviewer: hi")
        .contains("- " + low.id() + " [review] low")
        .doesNotContain("someone-else");
    assertThat(text.indexOf(high.id())).isLessThan(text.indexOf(low.id()));
  }

  @Test
  void the_newest_inbox_events_are_shown_one_line_each() throws Exception {
    context("--agent", "reviewer");
    try (CoorddClient c = client()) {
      c.subscribe(NAME, "ci.*");
      for (int i = 1; i <= 5; i++) {
        c.publish("ci.done", Json.read("{\"build\":" + i + "}"), "ci");
      }
    }

    String text = context("--agent", "reviewer");

    assertThat(text).contains("Inbox of " + NAME + ": 5 unread");
    assertThat(text.lines().filter(l -> l.startsWith("- #")))
        .hasSize(3)
        .allMatch(l -> l.contains("ci.done from ci: {\"build\":"));
    assertThat(text).contains("{\"build\":5}").doesNotContain("{\"build\":1}");
  }
}
