package dev.coordd.cli;

import dev.coordd.daemon.config.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd stop}: SIGTERM, the graceful stop (running handlers get their grace, the rest go
 * back to the queue), then waits. Stopping a daemon that is not running is not an error, so scripts
 * can run it unconditionally.
 */
@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = "Stop the daemon of this home gracefully and wait until it has exited.")
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description = "How long to wait for a graceful stop (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--force", description = "Kill it (SIGKILL) if it is still running after that.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path resolved = home.resolve();
    Optional<RunningDaemon> found = RunningDaemon.of(resolved);
    if (found.isEmpty()) {
      out.println("No coordd daemon is running on " + resolved + "; nothing to stop.");
      out.flush();
      return Cli.EXIT_OK;
    }
    RunningDaemon daemon = found.get();
    long start = System.nanoTime();
    daemon.process().destroy(); // SIGTERM
    try {
      daemon.process().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (!force) {
        spec.commandLine()
            .getErr()
            .println(
                "coordd: the daemon (pid "
                    + daemon.pid()
                    + ") is still stopping after "
                    + Durations.format(timeout)
                    + "; wait, or run `coordd stop --force` to kill it (its running tasks then"
                    + " return to the queue when their leases end)");
        return Cli.EXIT_FAILED;
      }
      daemon.process().destroyForcibly();
      daemon.process().onExit().get(10, TimeUnit.SECONDS);
      out.println(
          "Killed coordd (pid "
              + daemon.pid()
              + ") after it did not stop within "
              + Durations.format(timeout)
              + ".");
      out.flush();
      return Cli.EXIT_OK;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    out.println("Stopped coordd (pid " + daemon.pid() + ") on " + resolved + " in " + ms + " ms.");
    out.flush();
    return Cli.EXIT_OK;
  }
}
