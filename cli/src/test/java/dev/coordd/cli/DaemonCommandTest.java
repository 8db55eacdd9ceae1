package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coordd.cli.CliRun.Result;
import dev.coordd.client.SocketPaths;
import dev.coordd.internal.Owners;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordd daemon}'s settings options. Refused configurations run in-process; a valid one runs
 * as a real {@code bin/coordd} process, since a daemon runs until a signal.
 */
class DaemonCommandTest {

  @TempDir Path dir;

  private Result daemon(String... args) {
    return CliRun.inHome(dir.resolve("home"), prepend("daemon", "--no-console", args));
  }

  private static String[] prepend(String a, String b, String... rest) {
    String[] all = new String[rest.length + 2];
    all[0] = a;
    all[1] = b;
    System.arraycopy(rest, 0, all, 2, rest.length);
    return all;
  }

  @Test
  void a_home_of_another_user_is_refused_before_any_log_file_is_written_into_it() throws Exception {
    assumeTrue(Owners.currentUid() == 0, "needs root to give a folder to another user");
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.setAttribute(home, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);

    Result r = daemon();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(r.err())
        .startsWith("coordd: the home " + home + " belongs to uid 65534")
        .contains("use a home of your own (--home DIR or COORDD_HOME)");
    try (Stream<Path> inside = Files.list(home)) {
      assertThat(inside).as("no logs/, no lock, nothing").isEmpty();
    }
  }

  @Test
  void a_bad_set_value_fails_the_start_naming_the_option_and_what_is_allowed() {
    Result r = daemon("--set", "pollInterval=soon");
    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(r.err())
        .startsWith("coordd: invalid configuration: --set pollInterval: pollInterval = \"soon\"")
        .contains("must be a duration like 250ms, 5s");
  }

  @Test
  void an_unknown_set_key_suggests_the_setting() {
    Result r = daemon("--set", "pollIntervall=1s");
    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(r.err())
        .contains("--set pollIntervall: unknown setting; did you mean \"pollInterval\"?");
  }

  @Test
  void shorthand_flags_and_dotted_set_keys_are_checked_by_the_same_schema() {
    Result r =
        daemon(
            "--poll-interval", "0",
            "--concurrency", "many",
            "--lease-duration", "1m",
            "--set", "http.port=70000",
            "--set", "store.kind=postgres");
    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(r.err())
        .contains("invalid configuration (4 problems)")
        .contains("--set pollInterval: pollInterval = \"0\": must be at least 1ms")
        .contains(
            "--set concurrency: concurrency = \"many\": must be a whole number from 1 to 1024")
        .contains("--set http.port: http.port = \"70000\": must be a port number from 0 to 65535")
        .contains("--set store.kind: store.kind = \"postgres\": needs store.url too");
  }

  @Test
  void an_object_setting_is_given_as_json() {
    Result r = daemon("--set", "commands={\"x\": {\"command\": \"/bin/true\"}}");
    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(r.err())
        .contains(
            "--set commands: commands.x.command = \"/bin/true\": must be a non-empty array of"
                + " non-empty strings");
    Result notJson = daemon("--set", "commands={x}");
    assertThat(notJson.err()).contains("commands = \"{x}\": must be a JSON object; not valid JSON");
  }

  @Test
  void set_beats_config_json() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.writeString(home.resolve("config.json"), "{\"concurrency\": 4}");
    Result r = daemon("--set", "concurrency=0");
    assertThat(r.err())
        .contains("--set concurrency: concurrency = \"0\"")
        .doesNotContain("config.json");
  }

  @Test
  void a_daemon_starts_with_set_values_and_a_stray_coordd_variable() throws Exception {
    Path home = dir.resolve("home");
    ProcessBuilder pb =
        new ProcessBuilder(
                Launcher.BIN.toString(),
                "daemon",
                "--no-console",
                "--home",
                home.toString(),
                "--set",
                "name=builder-7",
                "--poll-interval",
                "1s")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(dir.resolve("daemon.out").toFile())
            .redirectError(dir.resolve("daemon.err").toFile());
    // Meant for agent sessions, not the daemon: it must not stop the start.
    pb.environment().put("COORDD_SESSION_TAG", "reviewer");
    Process daemon = pb.start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      Result agents = null;
      while (System.nanoTime() < until) {
        assertThat(daemon.isAlive())
            .as("daemon died: %s", Files.readString(dir.resolve("daemon.err")))
            .isTrue();
        if (Files.exists(SocketPaths.forHome(home))) {
          agents = CliRun.inHome(home, "agents", "--json");
          if (agents.exit() == 0) {
            break;
          }
        }
        Thread.sleep(100);
      }
      assertThat(agents).as("daemon did not come up").isNotNull();
      assertThat(agents.out()).contains("builder-7");
    } finally {
      daemon.destroy();
      daemon.waitFor(30, TimeUnit.SECONDS);
      daemon.destroyForcibly();
    }
  }

  @Test
  void help_lists_the_settings_options() {
    Result r = CliRun.exactly("daemon", "--help");
    assertThat(r.out()).contains("--set", "--poll-interval", "--concurrency", "--lease-duration");
  }
}
