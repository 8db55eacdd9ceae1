package dev.coordd.cli;

import dev.coordd.api.CoorddException;
import dev.coordd.cli.console.DaemonConsole;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.fs.PrivateHome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd daemon}: runs in the foreground until SIGTERM or SIGINT, then stops gracefully.
 * With a terminal on stdin it also offers the interactive console; {@code quit} stops it.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = "Run the daemon in the foreground on the home's embedded SQLite store.")
final class DaemonCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "Home folder (default: $COORDD_HOME or ./" + DaemonConfig.DEFAULT_HOME + ").")
  Path home;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {
        "Set a setting, as in config.json; repeatable, beats config.json and COORDD_* variables."
            + " Nested keys are dotted (store.kind=sqlite); objects are JSON"
            + " (commands='{\"x\": {\"command\": [\"/bin/true\"]}}').",
      })
  Map<String, String> set = new LinkedHashMap<>();

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The daemon's agent name (default: "
              + DaemonConfig.DEFAULT_NAME
              + ", or "
              + DaemonConfig.DEFAULT_NAME
              + "@<host> on a PostgreSQL store).")
  String name;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      description = "The safety-net poll, e.g. 1s (default: 5s).")
  String pollInterval;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Handlers running at once (default: 16).")
  String concurrency;

  @Option(
      names = "--lease-duration",
      paramLabel = "DURATION",
      description = "Lease of a claimed task without renewal, e.g. 1m (default: 30s).")
  String leaseDuration;

  @Option(names = "--no-console", description = "Do not offer the interactive console.")
  boolean noConsole;

  @Option(
      names = "--detach",
      description =
          "Start in the background (output in <home>/logs), wait until it answers, print its pid.")
  boolean detach;

  @Override
  public Integer call() throws InterruptedException, IOException {
    Path resolved = Homes.resolve(home);
    if (detach) {
      return Detach.start(
          resolved,
          Detach.childArgs(spec.commandLine().getParseResult().originalArgs()),
          Duration.ofSeconds(60),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
    // The named flags are shorthands for --set and, given after it, win over it.
    Map<String, String> overrides = new LinkedHashMap<>(set);
    shorthand(overrides, "name", name);
    shorthand(overrides, "pollInterval", pollInterval);
    shorthand(overrides, "concurrency", concurrency);
    shorthand(overrides, "leaseDuration", leaseDuration);
    Daemon daemon;
    try {
      DaemonConfig config = ConfigLoader.load(resolved, System.getenv(), overrides);
      // Before the log file is opened in it (logback would create the home and the file with the
      // umask's modes); a home of another user is refused here, before anything is written.
      PrivateHome.Tightening tightened = PrivateHome.prepare(resolved);
      Logs.toHome(resolved, config.logging());
      tightened.log(); // now also into the home's log
      daemon = Daemon.start(config);
    } catch (CoorddException e) {
      spec.commandLine().getErr().println("coordd: " + e.getMessage());
      return Cli.EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                  // A graceful stop on SIGTERM/SIGINT is success: exit 0, not the JVM's
                  // 128+signal, so service managers and scripts do not report a clean shutdown as
                  // a failure.
                  Runtime.getRuntime().halt(0);
                },
                "coordd-shutdown"));
    // Only in the foreground of a terminal: a background job that touches the terminal is stopped
    // by it ("Stopped (tty output)").
    if (!noConsole
        && Terminals.stdinIsTerminal()
        && Terminals.inForeground()
        && runConsole(daemon, resolved)) {
      daemon.close(); // quit or end of input at the console
      return 0;
    }
    stopped.await();
    return 0;
  }

  private static void shorthand(Map<String, String> overrides, String key, String value) {
    if (value != null) {
      overrides.remove(key); // re-added last, so it reads as the later value
      overrides.put(key, value);
    }
  }

  /** False when no usable terminal turned up after all: then run headless until a signal. */
  private boolean runConsole(Daemon daemon, Path home) {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      new DaemonConsole(daemon.service(), terminal, home.resolve("console_history")).run();
      return true;
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println(
              "coordd: no console (" + e.getMessage() + "); running until stopped by a signal");
      return false;
    }
  }
}
