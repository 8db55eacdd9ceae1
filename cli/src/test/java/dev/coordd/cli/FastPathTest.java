package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.NewTask;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands {@link FastPath} runs without picocli print exactly what picocli's print. */
class FastPathTest {
  /** Two days ago: "2d ago" in both listings, however long the test takes. */
  static final Clock CREATED =
      Clock.fixed(Instant.now().minus(Duration.ofDays(2)).minusSeconds(5), ZoneOffset.UTC);

  @TempDir Path dir;

  Result fast(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = FastPath.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  void sameAsPicocli(String... args) {
    Result fast = fast(args);
    assertThat(fast.exit()).as("handled: %s", List.of(args)).isNotEqualTo(FastPath.NOT_HANDLED);
    assertThat(fast).as("%s", List.of(args)).isEqualTo(CliRun.exactly(args));
  }

  @Test
  void the_plain_forms_print_what_picocli_prints_with_and_without_invocations() throws Exception {
    Path home = dir.resolve("home");
    String h = home.toString();
    // no folder, an empty pending folder, then two invocations
    for (int round = 0; round < 3; round++) {
      sameAsPicocli("check", "--home", h);
      sameAsPicocli("check", "--home=" + h, "--json");
      sameAsPicocli("check", "list", "--json", "--home", h);
      sameAsPicocli("check", "list", "--home", h);
      if (round == 0) {
        Files.createDirectories(home.resolve("invocations/pending"));
      } else {
        InvocationFiles files = new InvocationFiles(home, CREATED);
        files.create("t1", "claude_code", "review   the\n change", null, null);
        files.create("t2", "gemini", "x".repeat(200), null, null);
      }
    }
    assertThat(fast("check", "--home", h).out()).contains("claude_code", "review the change");
  }

  @Test
  void a_damaged_invocation_file_is_skipped_alike() throws Exception {
    Path home = dir.resolve("home");
    InvocationFiles files = new InvocationFiles(home, CREATED);
    files.create("t1", "codex", "fix the build", null, null);
    Files.writeString(home.resolve("invocations/pending/broken.json"), "{not json");
    Result fast = fast("check", "--home", home.toString());
    assertThat(fast.out()).contains("fix the build").doesNotContain("broken");
    sameAsPicocli("check", "--home", home.toString());
    sameAsPicocli("check", "--home", home.toString(), "--json");
  }

  @Test
  void the_session_start_hook_prints_what_picocli_prints_with_and_without_a_daemon()
      throws Exception {
    Path home = dir.resolve("home");
    Path input = dir.resolve("hook.json");
    Files.writeString(
        input,
        "{\"session_id\":\"0123456789abcdef\",\"cwd\":\"/work/project\","
            + "\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}");
    String h = home.toString();
    String in = input.toString();
    List<String[]> forms =
        List.of(
            new String[] {"hook", "session-start", "--home", h, "--input", in},
            new String[] {
              "hook",
              "session-start",
              "--home=" + h,
              "--input=" + in,
              "--agent",
              "reviewer",
              "--kind",
              "codex",
              "--capability",
              "review",
              "--capability=fix",
              "--timeout",
              "5s",
              "--json"
            });
    for (String[] args : forms) {
      sameAsPicocli(args); // no daemon: it says so, and still exits 0
    }
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      d.service().createTask(NewTask.of("review").withAssignedTo("reviewer"));
      for (String[] args : forms) {
        CliRun.exactly(args); // registers the agent, so the two runs below find the same state
        sameAsPicocli(args);
      }
      assertThat(fast(forms.get(1)).out()).contains("reviewer@01234567", "review");
    }
  }

  @Test
  void task_claim_and_complete_work_as_picocli_s_do() {
    Path home = dir.resolve("home");
    String h = home.toString();
    String[] claim = {"task", "claim", "--agent", "w1", "--type", "review", "--home", h};
    String[] complete = {"task", "complete", "ID", "--agent", "w1", "--token", "T", "--home", h};
    sameAsPicocli(claim); // no daemon: exit 3 and how to start one
    sameAsPicocli(complete);
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      sameAsPicocli(claim); // nothing to claim
      sameAsPicocli("task", "claim", "--agent=w1", "--json", "--max", "2", "--home", h);
      String first = d.service().createTask(NewTask.of("review").withAssignedTo("w1")).id();
      Result claimed = fast(claim);
      assertThat(claimed.exit()).as(claimed.err()).isZero();
      Matcher finish =
          Pattern.compile("finish it: coordd task complete (\\S+) --agent w1 --token (\\S+) ")
              .matcher(claimed.out());
      assertThat(finish.find()).as(claimed.out()).isTrue();
      assertThat(finish.group(1)).isEqualTo(first);
      assertThat(d.service().getTask(first).claimToken()).isEqualTo(finish.group(2));

      complete[2] = first;
      sameAsPicocli(complete); // a wrong token: refused alike, the task still running
      complete[6] = finish.group(2);
      Result done = fast(complete);
      assertThat(done).isEqualTo(new Result(0, first + " succeeded\n", ""));
      assertThat(d.service().getTask(first).status()).isEqualTo(TaskStatus.SUCCEEDED);
      sameAsPicocli(complete); // again: no longer running, refused alike

      String second = d.service().createTask(NewTask.of("review").withAssignedTo("w1")).id();
      String token = CliRun.exactly(claim).out().replaceAll("(?s).*--token (\\S+) .*", "$1").trim();
      Result viaPicocli =
          CliRun.exactly(
              "task", "complete", second, "--agent", "w1", "--token", token, "--home", h);
      assertThat(viaPicocli.out()).isEqualTo(second + " succeeded\n");
    }
  }

  @Test
  void anything_unusual_is_left_to_picocli_with_nothing_written() {
    String h = dir.toString();
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"task", "claim"},
            new String[] {"check", "--help"},
            new String[] {"check", "-h"},
            new String[] {"check", "list", "--help"},
            new String[] {"check", "--home"},
            new String[] {"check", "--home", "--json"},
            new String[] {"check", "--home="},
            new String[] {"check", "--home", h, "--home", h},
            new String[] {"check", "--json", "--json"},
            new String[] {"check", "--json", "list"},
            new String[] {"check", "list", "list"},
            new String[] {"check", "process", "abc"},
            new String[] {"check", "--", "--json"},
            new String[] {"check", "--home", "a\0b"},
            new String[] {"check", "--jso"},
            new String[] {"hook"},
            new String[] {"hook", "session-end"},
            new String[] {"hook", "session-start", "--help"},
            new String[] {"hook", "session-start", "--no-such-flag"},
            new String[] {"hook", "session-start", "--timeout", "soon"},
            new String[] {"hook", "session-start", "--capability"},
            new String[] {"hook", "session-start", "--kind", "a", "--kind", "b"},
            new String[] {"hook", "session-start", "--input", "-"},
            new String[] {"hook", "session-start", "extra"},
            new String[] {"task", "claim"},
            new String[] {"task", "claim", "--type", "review"},
            new String[] {"task", "claim", "--agent", "a", "--max", "many"},
            new String[] {"task", "claim", "--agent", "a", "--lease", "long"},
            new String[] {"task", "claim", "--agent", "a", "--help"},
            new String[] {"task", "complete", "--agent", "a", "ID"},
            new String[] {"task", "complete", "ID"},
            new String[] {"task", "complete", "ID", "--agent", "a", "extra"},
            new String[] {"task", "complete", "ID", "--agent", "a", "--result", "-1"},
            new String[] {"task", "fail", "ID", "--agent", "a"},
            new String[] {"task", "list"})) {
      Result r = fast(args);
      assertThat(r.exit()).as("%s", List.of(args)).isEqualTo(FastPath.NOT_HANDLED);
      assertThat(r.out() + r.err()).isEmpty();
    }
  }
}
