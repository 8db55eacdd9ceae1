package dev.coordd.daemon;

import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run as a separate JVM by {@link ClusterDaemonsTest}: a daemon named {@code args[1]} on the
 * PostgreSQL store at {@code args[2]}, whose handler of {@code block} tasks never finishes; it
 * prints {@code RUNNING <id>} when one starts, and waits to be killed with SIGKILL.
 */
public final class ClusterMemberMain {
  public static void main(String[] args) throws Exception {
    Daemon daemon =
        Daemon.start(
            ConfigLoader.load(
                Path.of(args[0]),
                Map.of(),
                Map.of("name", args[1], "store.kind", "postgres", "store.url", args[2])));
    daemon.registerHandler(
        "block",
        ctx -> {
          System.out.println("RUNNING " + ctx.task().id());
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
          return null;
        });
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
