package dev.coordd.daemon.reliability;

import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A daemon in a JVM of its own, so a test can kill it with SIGKILL: {@code HOME LOG KEY=VALUE…}. It
 * runs {@link CompletionLog#handler} for the type {@code work} and prints {@code UP} once it
 * listens.
 */
public final class ChildDaemonMain {
  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      settings.put(kv[0], kv[1]);
    }
    Daemon daemon = Daemon.start(ConfigLoader.load(Path.of(args[0]), Map.of(), settings));
    daemon.registerHandler(CompletionLog.TYPE, CompletionLog.handler(Path.of(args[1])));
    System.out.println("UP");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
