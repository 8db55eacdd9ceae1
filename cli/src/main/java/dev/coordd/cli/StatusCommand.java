package dev.coordd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Stats;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.http.UrlFile;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd status}: whether the daemon of a home runs, and what it holds. Exit codes for
 * scripts: 0 running and answering, 1 running but not answering, 3 not running.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Whether the daemon runs: pid, uptime, version, home, store, queue summary.",
      "Exit code 0 running, 1 running but not answering, 3 not running."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      description = "How long to wait for the daemon's answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path home = common.home();
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("home", home.toString());
    json.put("version", Main.version());
    json.put("store", store(home));
    Optional<RunningDaemon> found = RunningDaemon.of(home);
    if (found.isEmpty()) {
      json.put("running", false);
      print(out, json, "coordd is not running on " + home + " (start it: coordd daemon --detach)");
      return Cli.EXIT_NO_DAEMON;
    }
    RunningDaemon daemon = found.get();
    json.put("running", true);
    json.put("pid", daemon.pid());
    daemon.uptime().ifPresent(u -> json.put("uptimeSeconds", u.toSeconds()));
    Stats stats;
    try {
      stats = stats(home);
    } catch (RuntimeException e) {
      json.put("answering", false);
      String why = e.getMessage();
      json.put("problem", why);
      print(
          out,
          json,
          "coordd runs (pid "
              + daemon.pid()
              + ") on "
              + home
              + " but does not answer: "
              + why
              + "; see "
              + home.resolve("logs/coordd.log")
              + ", or restart it: coordd stop && coordd daemon --detach");
      return Cli.EXIT_FAILED;
    }
    json.put("answering", true);
    json.set("tasks", Json.MAPPER.valueToTree(stats.coordination()));
    json.set("agents", Json.MAPPER.valueToTree(stats.agents()));
    String http = httpUrl(home);
    if (http != null) {
      json.put("http", http);
    }
    var c = stats.coordination();
    String text =
        String.format(
            "coordd %s runs on %s%n  pid %d, up %s, store %s%n  tasks: %d queued, %d running,"
                + " %d waiting, %d succeeded, %d failed, %d cancelled%n  agents: %d active, %d"
                + " stale, %d offline",
            json.get("version").asText(),
            home,
            daemon.pid(),
            daemon.uptime().map(Durations::format).orElse("?"),
            json.get("store").asText(),
            c.queuedTasks(),
            c.activeTasks(),
            c.waitingTasks(),
            c.completedTasks(),
            c.failedTasks(),
            c.cancelledTasks(),
            stats.agents().activeAgents(),
            stats.agents().staleAgents(),
            stats.agents().offlineAgents());
    if (http != null) {
      text += String.format("%n  http: %s (log a browser in: coordd dashboard)", http);
    }
    print(out, json, text);
    return Cli.EXIT_OK;
  }

  private void print(PrintWriter out, ObjectNode json, String text) {
    if (common.json) {
      Output.json(out, json);
    } else {
      out.println(text);
    }
    out.flush();
  }

  /**
   * The store as the configuration names it, without a URL's parameters (they may hold a password);
   * a broken configuration does not hide the status.
   */
  private static String store(Path home) {
    try {
      DaemonConfig config = ConfigLoader.load(home, System.getenv(), Map.of());
      String url = config.store().url();
      if (url == null) {
        return "sqlite " + config.database();
      }
      int query = url.indexOf('?');
      return config.store().kind().toString().toLowerCase(Locale.ROOT)
          + " "
          + (query < 0 ? url : url.substring(0, query));
    } catch (RuntimeException e) {
      String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("?");
      return "unknown (the configuration is invalid: " + first + ")";
    }
  }

  /** Where the HTTP door listens, when it is open. */
  private static String httpUrl(Path home) {
    try {
      return UrlFile.read(home).orElse(null);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private Stats stats(Path home) {
    try (CoorddClient client = CoorddClient.connect(home, timeout)) {
      return client.stats();
    }
  }
}
