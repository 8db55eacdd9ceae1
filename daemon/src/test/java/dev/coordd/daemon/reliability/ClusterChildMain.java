package dev.coordd.daemon.reliability;

import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A cluster member in a JVM of its own, so {@link ClusterProcessesTest} can kill it with SIGKILL:
 * {@code HOME LOG MAX_WORK_MS KEY=VALUE…}. It runs {@link CompletionLog#handler} for the type
 * {@code work} and prints {@code UP} once it listens.
 */
public final class ClusterChildMain {
  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      settings.put(kv[0], kv[1]);
    }
    Daemon daemon = Daemon.start(ConfigLoader.load(Path.of(args[0]), Map.of(), settings));
    daemon.registerHandler(
        CompletionLog.TYPE, CompletionLog.handler(Path.of(args[1]), Integer.parseInt(args[2])));
    System.out.println("UP");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
