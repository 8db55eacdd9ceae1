package dev.coordd.bench.scenarios;

import dev.coordd.api.NewTask;
import dev.coordd.bench.BenchContext;
import dev.coordd.bench.DaemonProcess;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.daemon.BenchDaemon;
import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.client.CoorddClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The daemon's resident memory idle and with N agents waiting in a claim (one connection each), and
 * what one create costs in each state. The socket's connection cap is raised to fit the waiters
 * ({@code socket.maxConnections}, 256 by default).
 */
public final class MemoryScenario {
  private static final int CREATES = 50;

  private MemoryScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    int waiters = ctx.options.waiters;
    long settleMs = ctx.options.settleMs;
    ctx.results.note(
        "memory",
        "RSS from /proc after "
            + settleMs
            + " ms settling; "
            + waiters
            + " waiting agents, one connection each; create_ms: median of "
            + CREATES
            + " single creates");
    for (int round = 0; round < ctx.rounds(); round++) {
      ctx.progress.show("memory " + kind.label() + " " + ctx.roundLabel(round));
      Path dir = ctx.folder("memory");
      Map<String, String> extra = new LinkedHashMap<>();
      extra.put("socket.maxConnections", Integer.toString(waiters + 64));
      try (StoreTarget store = ctx.store(kind, dir, "memory");
          DaemonProcess d = start(ctx, store, dir, extra);
          CoorddClient c = d.connect()) {
        Thread.sleep(settleMs);
        double idle = d.rssBytes() / 1048576.0;
        double createIdle = createMillis(c);
        List<CoorddClient> waiting = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
          for (int i = 0; i < waiters; i++) {
            CoorddClient w = d.connect();
            waiting.add(w);
            String agent = "bench-waiter-" + i;
            CoorddSystem.registerClaimer(w, agent);
            pool.submit(
                () -> w.claimTasks(agent, List.of(CoorddSystem.EXTERNAL), 1, 600_000, null));
          }
          Thread.sleep(settleMs);
          double busy = d.rssBytes() / 1048576.0;
          double createWaiting = createMillis(c);
          if (ctx.measured(round)) {
            ctx.results.add("memory", kind, "coordd", "rss_idle_mb", false, idle);
            ctx.results.add("memory", kind, "coordd", "rss_waiting_mb", false, busy);
            ctx.results.add("memory", kind, "coordd", "create_idle_ms", false, createIdle);
            ctx.results.add("memory", kind, "coordd", "create_waiting_ms", false, createWaiting);
          }
        } finally {
          waiting.forEach(CoorddClient::close);
          pool.shutdownNow();
        }
      }
    }
  }

  private static DaemonProcess start(
      BenchContext ctx, StoreTarget store, Path dir, Map<String, String> extra) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>(store.daemonSettings());
    settings.putAll(extra);
    settings.put("concurrency", Integer.toString(ctx.load.workers()));
    return DaemonProcess.start(dir.resolve("home"), 1, settings, ctx.options.daemonJvmOptions);
  }

  private static double createMillis(CoorddClient c) {
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < CREATES; i++) {
      long t0 = System.nanoTime();
      c.createTask(NewTask.of(BenchDaemon.NOOP));
      ms.add(Figures.millis(System.nanoTime() - t0));
    }
    return Figures.median(ms);
  }
}
