package dev.coordd.bench.scenarios;

import dev.coordd.bench.BenchContext;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.bench.peers.QueueSystem;
import java.nio.file.Path;

/**
 * Acknowledged creates per second (nothing runs them meanwhile), tasks per second end to end by
 * each system's own workers, and for coordd also end to end by external claimers taking batches.
 * Every measurement starts on a fresh store; systems alternate within each round.
 */
public final class ThroughputScenario {
  private ThroughputScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    int n = ctx.options.tasks;
    ctx.results.note(
        "throughput",
        n
            + " no-op tasks per run; creates_per_s: acknowledged creates, nothing running;"
            + " end_to_end_per_s: first create to last completion in the store;"
            + " external_per_s: coordd tasks claimed "
            + ctx.options.claimBatch
            + " at a time by "
            + ctx.options.connections
            + " external agents and completed one by one");
    for (int round = 0; round < ctx.rounds(); round++) {
      for (QueueSystem s : ctx.systems()) {
        String what = "throughput " + kind.label() + " " + s.name() + " " + ctx.roundLabel(round);
        ctx.progress.show(what + ": creates");
        double creates =
            measure(ctx, kind, "creates", dir -> store -> s.createsPerSecond(store, dir, n));
        ctx.progress.show(what + ": end to end");
        double e2e = measure(ctx, kind, "e2e", dir -> store -> s.endToEndPerSecond(store, dir, n));
        Double external = null;
        if (s instanceof CoorddSystem c) {
          ctx.progress.show(what + ": external claimers");
          external = measure(ctx, kind, "ext", dir -> store -> c.externalPerSecond(store, dir, n));
        }
        if (ctx.measured(round)) {
          ctx.results.add("throughput", kind, s.name(), "creates_per_s", true, creates);
          ctx.results.add("throughput", kind, s.name(), "end_to_end_per_s", true, e2e);
          if (external != null) {
            ctx.results.add("throughput", kind, s.name(), "external_per_s", true, external);
          }
        }
      }
    }
  }

  interface Measure {
    double on(StoreTarget store) throws Exception;
  }

  interface InFolder {
    Measure in(Path dir);
  }

  private static double measure(BenchContext ctx, StoreKind kind, String label, InFolder m)
      throws Exception {
    Path dir = ctx.folder(label);
    try (StoreTarget store = ctx.store(kind, dir, label)) {
      return m.in(dir).on(store);
    }
  }
}
