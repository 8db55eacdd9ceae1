package dev.coordd.daemon.bench;

import dev.coordd.api.BatchItem;
import dev.coordd.api.NewTask;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A rough measure of acknowledged creates per second against an in-process daemon (SQLite, default
 * durability), from 4 client connections: {@code threads} (16 threads per connection, one call each
 * at a time), {@code async} (one thread per connection keeping 256 creates in flight) and {@code
 * batch} (one thread per connection, createTasks of 1,000, 4 calls in flight). Not a test: run it
 * by hand, e.g. {@code java -cp ... dev.coordd.daemon.bench.CreateThroughput async 20000}. The
 * issue's benchmark suite replaces it.
 */
public final class CreateThroughput {
  private static final int CONNECTIONS = 4;

  private CreateThroughput() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "threads";
    int total = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Path home = Files.createTempDirectory("coordd-bench").resolve("home");
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      List<CoorddClient> clients = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        clients.add(CoorddClient.connect(home));
      }
      run(mode, clients, Math.max(1_000, total / 10)); // warm-up
      long start = System.nanoTime();
      run(mode, clients, total);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%s: %d creates in %.2f s = %.0f/s (load %s)%n",
          mode, total, seconds, total / seconds, Files.readString(Path.of("/proc/loadavg")).trim());
      clients.forEach(CoorddClient::close);
    }
  }

  private static NewTask task() {
    return NewTask.of("build")
        .withAssignedTo("w")
        .withData(Json.MAPPER.createObjectNode().put("n", 1));
  }

  private static void run(String mode, List<CoorddClient> clients, int total) throws Exception {
    List<Thread> threads = new ArrayList<>();
    int perConnection = total / clients.size();
    for (CoorddClient c : clients) {
      switch (mode) {
        case "threads" -> {
          for (int t = 0; t < 16; t++) {
            int each = perConnection / 16;
            threads.add(
                Thread.ofPlatform()
                    .start(
                        () -> {
                          for (int i = 0; i < each; i++) {
                            c.createTask(task());
                          }
                        }));
          }
        }
        case "async" -> threads.add(Thread.ofPlatform().start(() -> async(c, perConnection)));
        case "batch" -> threads.add(Thread.ofPlatform().start(() -> batch(c, perConnection)));
        default -> throw new IllegalArgumentException("mode: threads, async or batch");
      }
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static void async(CoorddClient c, int n) {
    Deque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (inFlight.size() == 256) {
        inFlight.removeFirst().join();
      }
      inFlight.addLast(c.createTaskAsync(task()));
    }
    inFlight.forEach(CompletableFuture::join);
  }

  private static void batch(CoorddClient c, int n) {
    Deque<CompletableFuture<List<BatchItem>>> inFlight = new ArrayDeque<>();
    List<NewTask> tasks = Collections.nCopies(1_000, task());
    for (int sent = 0; sent < n; sent += tasks.size()) {
      if (inFlight.size() == 4) {
        check(inFlight.removeFirst().join());
      }
      inFlight.addLast(c.createTasksAsync(tasks.subList(0, Math.min(tasks.size(), n - sent))));
    }
    inFlight.forEach(f -> check(f.join()));
  }

  private static void check(List<BatchItem> items) {
    items.forEach(BatchItem::orThrow);
  }
}
