package dev.coordd.daemon.reliability;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.client.CoorddClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A throw-away measurement, not a test (its name keeps it out of the suite): a real daemon process
 * started by a launcher ({@code -Dwaiters.launcher}, default bin/coordd of this checkout), its RSS
 * idle and with 1,000 agents waiting in {@code claimTasks}, each on a socket connection of its own,
 * and the create → claim latency of one more waiter, idle and among the 1,000. Run by name:
 *
 * <pre>
 * mvn -o -B test -pl daemon -am -Dtest=WaitersMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class WaitersMeasurement {
  static final int WAITERS = Integer.getInteger("waiters.count", 1000);
  static final int ROUNDS = Integer.getInteger("waiters.rounds", 300);

  @Test
  void measure() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    String launcher = System.getProperty("waiters.launcher", root.resolve("bin/coordd").toString());
    Path home = Files.createTempDirectory("waiters").resolve("home");
    ProcessBuilder pb =
        new ProcessBuilder(launcher, "daemon", "--home", home.toString())
            .redirectErrorStream(true)
            .redirectOutput(home.getParent().resolve("daemon.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    String opts = System.getProperty("waiters.opts");
    if (opts != null) {
      pb.environment().put("COORDD_JAVA_OPTS", opts);
    }
    Process daemon = pb.start();
    try {
      awaitSocket(home);
      long pid = javaPid(daemon);
      try (CoorddClient creator = CoorddClient.connect(home);
          CoorddClient claimer = CoorddClient.connect(home)) {
        creator.registerAgent(AgentRegistration.of("creator"));
        creator.registerAgent(new AgentRegistration("fast", "worker", List.of("fast"), null));
        latency(creator, claimer, 100); // warm-up
        long[] idle = latency(creator, claimer, ROUNDS);
        Thread.sleep(2_000);
        long rssIdle = rssKb(pid);

        List<CoorddClient> conns = new ArrayList<>();
        List<CompletableFuture<?>> waits = new ArrayList<>();
        try {
          for (int i = 0; i < WAITERS; i++) {
            CoorddClient conn = CoorddClient.connect(home);
            conns.add(conn);
            String agent = "waiter-" + i;
            waits.add(
                CompletableFuture.runAsync(
                    () -> {
                      try {
                        conn.claimTasks(agent, List.of("never-" + agent), 1, 600_000, null);
                      } catch (RuntimeException closed) {
                        // the connection closes at the end
                      }
                    },
                    r -> Thread.ofVirtual().start(r)));
          }
          Thread.sleep(5_000);
          long[] crowded = latency(creator, claimer, ROUNDS);
          Thread.sleep(2_000);
          long rssCrowded = rssKb(pid);
          System.out.printf(
              "WAITERS rss idle %d MB, with %d waiting agents %d MB (+%d MB)%n",
              rssIdle / 1024, WAITERS, rssCrowded / 1024, (rssCrowded - rssIdle) / 1024);
          System.out.printf(
              "WAITERS create->claim idle p50 %.2f ms p99 %.2f ms; with %d waiting p50 %.2f ms"
                  + " p99 %.2f ms%n",
              idle[0] / 1e6, idle[1] / 1e6, WAITERS, crowded[0] / 1e6, crowded[1] / 1e6);
          if (Boolean.getBoolean("waiters.nmt")) {
            new ProcessBuilder("jcmd", Long.toString(pid), "VM.native_memory", "summary")
                .inheritIO()
                .start()
                .waitFor();
            new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
                .redirectOutput(home.getParent().resolve("histo.txt").toFile())
                .start()
                .waitFor();
            System.out.println("histogram: " + home.getParent().resolve("histo.txt"));
          }
        } finally {
          for (CoorddClient c : conns) {
            c.close();
          }
        }
      }
    } finally {
      daemon.destroy();
      daemon.waitFor(30, TimeUnit.SECONDS);
      daemon.destroyForcibly();
    }
  }

  /** p50 and p99 ns from a create to the return of the claim that was waiting for it. */
  private static long[] latency(CoorddClient creator, CoorddClient claimer, int rounds)
      throws Exception {
    List<Long> ns = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long[] created = new long[1];
      CompletableFuture<List<Task>> claim =
          CompletableFuture.supplyAsync(
              () -> claimer.claimTasks("fast", List.of("fast"), 1, 10_000, null),
              r -> Thread.ofVirtual().start(r));
      Thread.sleep(5); // the claim is waiting by now
      created[0] = System.nanoTime();
      creator.createTask(NewTask.of("fast"));
      List<Task> got = claim.get(30, TimeUnit.SECONDS);
      long took = System.nanoTime() - created[0];
      if (got.size() != 1) {
        throw new AssertionError("the waiting claim got " + got.size() + " tasks");
      }
      claimer.completeTask(got.get(0).id(), "fast", got.get(0).claimToken(), null);
      ns.add(took);
    }
    ns.sort(null);
    return new long[] {ns.get(rounds / 2), ns.get(rounds * 99 / 100)};
  }

  private static void awaitSocket(Path home) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      try (CoorddClient c = CoorddClient.connect(home)) {
        return;
      } catch (RuntimeException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the daemon did not open its socket in 60 s");
  }

  /** The launcher execs java, so the process is the JVM. */
  private static long javaPid(Process p) {
    return p.pid();
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }
}
