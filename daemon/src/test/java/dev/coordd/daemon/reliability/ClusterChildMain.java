package dev.coordd.daemon.reliability;

import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A cluster member in a JVM of its own, so {@link ClusterTrio} can kill it with SIGKILL: {@code
 * HOME LOG_DIR TYPE,TYPE… KEY=VALUE…}. For each type it runs {@link CompletionLog#dataHandler},
 * recording to {@code LOG_DIR/<type>.log}, and it prints {@code UP} once it listens.
 */
public final class ClusterChildMain {
  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      settings.put(kv[0], kv[1]);
    }
    Daemon daemon = Daemon.start(ConfigLoader.load(Path.of(args[0]), Map.of(), settings));
    Path logs = Path.of(args[1]);
    for (String type : args[2].split(",")) {
      daemon.registerHandler(type, CompletionLog.dataHandler(logs.resolve(type + ".log")));
    }
    System.out.println("UP");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
