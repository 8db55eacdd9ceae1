package dev.coordd.bench.scenarios;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.bench.BenchContext;
import dev.coordd.bench.DaemonProcess;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.client.CoorddClient;
import java.nio.file.Path;
import java.util.List;

/**
 * Claim latency with N tasks queued: one daemon, its queue filled by batch creates to each size in
 * ascending order (topped up from the last size, so 1M queued costs one fill), then one agent
 * claims one task at a time (and completes it), each claim timed and each claimed task replaced. A
 * flat line across sizes is the target. Each run is a round of claims on the same filled queue,
 * after a warm-up round.
 */
public final class ScaleScenario {
  private ScaleScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    ctx.results.note(
        "scale",
        "claim latency (one task per claim, no wait) with N tasks queued, "
            + ctx.options.claims
            + " claims per run; sizes "
            + ctx.options.sizes);
    CoorddSystem coordd = ctx.coordd();
    List<Integer> sizes = ctx.options.sizes.stream().sorted().distinct().toList();
    Path dir = ctx.folder("scale");
    try (StoreTarget store = ctx.store(kind, dir, "scale");
        DaemonProcess d = coordd.start(store, dir, 1);
        CoorddClient c = d.connect()) {
      CoorddSystem.registerClaimer(c, "bench-claimer");
      int queued = 0;
      for (int size : sizes) {
        ctx.progress.show("scale " + kind.label() + " filling to " + size + " tasks");
        coordd.createBatches(d, size - queued, NewTask.of(CoorddSystem.EXTERNAL));
        queued = size;
        String label = label(size);
        for (int round = 0; round < ctx.rounds(); round++) {
          ctx.progress.show(
              "scale " + kind.label() + " " + label + " queued: " + ctx.roundLabel(round));
          double[] ms = new double[ctx.options.claims];
          for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            List<Task> got =
                c.claimTasks("bench-claimer", List.of(CoorddSystem.EXTERNAL), 1, 0, null);
            ms[i] = Figures.millis(System.nanoTime() - t0);
            for (Task t : got) {
              c.completeTask(t.id(), "bench-claimer", t.claimToken(), null);
            }
            // keep the queue at its size: each claimed task is replaced
            c.createTask(NewTask.of(CoorddSystem.EXTERNAL));
          }
          if (ctx.measured(round)) {
            ctx.results.add(
                "scale",
                kind,
                "coordd",
                "claim_p50_ms_" + label,
                false,
                Figures.percentile(ms, 50));
            ctx.results.add(
                "scale",
                kind,
                "coordd",
                "claim_p99_ms_" + label,
                false,
                Figures.percentile(ms, 99));
          }
        }
      }
    }
  }

  static String label(int size) {
    if (size >= 1_000_000 && size % 1_000_000 == 0) {
      return size / 1_000_000 + "M";
    }
    if (size >= 1_000 && size % 1_000 == 0) {
      return size / 1_000 + "k";
    }
    return Integer.toString(size);
  }
}
