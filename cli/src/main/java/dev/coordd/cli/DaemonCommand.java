package dev.coordd.cli;

import dev.coordd.api.CoorddException;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coordd daemon}: runs in the foreground until SIGTERM or SIGINT, then stops gracefully. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = "Run the daemon in the foreground on the home's embedded SQLite store.")
final class DaemonCommand implements Callable<Integer> {
  @Option(names = "--home", paramLabel = "DIR",
      description = "Home folder (default: $COORDD_HOME or ./" + DaemonConfig.DEFAULT_HOME + ").")
  Path home;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The daemon's agent name (default: " + DaemonConfig.DEFAULT_NAME + ").")
  String name;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> overrides = new HashMap<>();
    if (name != null) {
      overrides.put("name", name);
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(ConfigLoader.load(Homes.resolve(home), System.getenv(), overrides));
    } catch (CoorddException e) {
      System.err.println("coordd: " + e.getMessage());
      return Main.EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stopped.countDown();
    }, "coordd-shutdown"));
    stopped.await();
    return 0;
  }
}
