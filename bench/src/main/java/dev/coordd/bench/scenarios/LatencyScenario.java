package dev.coordd.bench.scenarios;

import dev.coordd.bench.BenchContext;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.peers.QueueSystem;
import java.nio.file.Path;

/**
 * Create to handler start on an idle system: tasks created one at a time at a low, fixed rate, each
 * timed from just before its create to its handler's first line. coordd and the peers alternate
 * within each round.
 */
public final class LatencyScenario {
  private LatencyScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    int n = ctx.options.latencyTasks;
    ctx.results.note(
        "latency",
        n
            + " tasks per run created one at a time at "
            + ctx.options.latencyRate
            + "/s; create -> handler start, ms");
    for (int round = 0; round < ctx.rounds(); round++) {
      for (QueueSystem s : ctx.systems()) {
        ctx.progress.show("latency " + kind.label() + " " + s.name() + " " + ctx.roundLabel(round));
        Path dir = ctx.folder("lat-" + s.name());
        double[] ms;
        try (StoreTarget store = ctx.store(kind, dir, "lat")) {
          ms = s.latencyMillis(store, dir, n, ctx.options.latencyRate);
        }
        if (ctx.measured(round)) {
          ctx.results.add("latency", kind, s.name(), "p50_ms", false, Figures.percentile(ms, 50));
          ctx.results.add("latency", kind, s.name(), "p99_ms", false, Figures.percentile(ms, 99));
          ctx.results.add("latency", kind, s.name(), "max_ms", false, Figures.max(ms));
        }
      }
    }
  }
}
