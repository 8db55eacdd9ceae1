package dev.coordd.bench.daemon;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.fs.PrivateHome;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The daemon process a benchmark talks to: {@code coordd daemon}'s start-up (configuration, home,
 * {@link Daemon#start}) plus the benchmark's handlers, registered the way Java code that embeds the
 * daemon registers its own. A handler that spawned a process per task (a command handler) would
 * measure {@code fork}, not the queue; the peers run the same no-op in their own JVM.
 *
 * <p>Arguments: {@code HOME GENERATION [KEY=VALUE ...]}, the pairs as {@code coordd daemon --set}.
 * GENERATION counts the daemon's starts on one home: {@value #RECOVER} blocks in generation 1 (a
 * task that is running when the process is killed) and returns at once after a restart.
 *
 * <p>Handlers return {@code {"startNanos": System.nanoTime()}} taken as they start: on Linux the
 * JVM reads CLOCK_MONOTONIC, one clock for every process of the machine, so the benchmark compares
 * it with its own reading taken before the create.
 */
public final class BenchDaemon {
  public static final String NOOP = "bench.noop";
  public static final String RECOVER = "bench.recover";
  public static final String START_NANOS = "startNanos";

  private BenchDaemon() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: BenchDaemon HOME GENERATION [KEY=VALUE ...]");
      System.exit(2);
    }
    Path home = Path.of(args[0]);
    int generation = Integer.parseInt(args[1]);
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq < 1) {
        System.err.println("BenchDaemon: expected KEY=VALUE, got '" + args[i] + "'");
        System.exit(2);
      }
      overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    // No COORDD_* variables: a run must not depend on the shell it was started from.
    DaemonConfig config = ConfigLoader.load(home, Map.of(), overrides);
    PrivateHome.prepare(home);
    Daemon daemon = Daemon.start(config);
    daemon.registerHandler(NOOP, ctx -> started());
    daemon.registerHandler(
        RECOVER,
        ctx -> {
          if (generation == 1) {
            Thread.sleep(Long.MAX_VALUE); // running when the benchmark kills this process
          }
          return started();
        });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                },
                "bench-daemon-shutdown"));
    System.out.println("ready"); // the handlers are in: the benchmark may create tasks now
    System.out.flush();
    stopped.await();
  }

  private static com.fasterxml.jackson.databind.JsonNode started() {
    long now = System.nanoTime();
    return JsonNodeFactory.instance.objectNode().put(START_NANOS, now);
  }
}
