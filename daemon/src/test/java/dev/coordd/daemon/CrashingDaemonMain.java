package dev.coordd.daemon;

import dev.coordd.api.NewTask;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run as a separate JVM by {@link CrashRecoveryTest}: starts a daemon, acknowledges some tasks,
 * starts one that never finishes, and waits to be killed with SIGKILL.
 */
public final class CrashingDaemonMain {
  public static void main(String[] args) throws Exception {
    Daemon daemon = Daemon.start(ConfigLoader.load(Path.of(args[0]), Map.of(), Map.of()));
    daemon.registerHandler(
        "block",
        ctx -> {
          System.out.println("RUNNING " + ctx.task().id());
          System.out.flush();
          Thread.sleep(Long.MAX_VALUE);
          return null;
        });
    for (int i = 0; i < 100; i++) {
      String id = daemon.service().createTask(NewTask.of("later").withAssignedTo("nobody")).id();
      System.out.println("ACKED " + id);
    }
    String id = daemon.service().createTask(NewTask.of("block")).id();
    System.out.println("CREATED " + id);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
