package dev.coordd.bench.scenarios;

import dev.coordd.bench.BenchContext;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.bench.peers.QueueSystem;
import java.nio.file.Path;

/**
 * Four figures, each its own row: acknowledged single creates, pipelined (coordd only: the peers
 * have no request per create to pipeline); creates with each system's batch call; tasks end to end
 * by each system's own workers (created by batch); and for coordd end to end by external claimers
 * using batch claims and batch completions. Every measurement starts on a fresh store; systems
 * alternate within each round.
 */
public final class ThroughputScenario {
  public static final String SINGLE = "creates_single_pipelined_per_s";
  public static final String BATCH = "creates_batch_call_per_s";
  public static final String DAEMON_WORKERS = "end_to_end_daemon_workers_per_s";
  public static final String EXTERNAL = "end_to_end_external_claimers_per_s";

  private ThroughputScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    int n = ctx.options.tasks;
    ctx.results.note(
        "throughput",
        n
            + " no-op tasks per run. "
            + SINGLE
            + " (\"creates, single, pipelined\"): coordd createTaskAsync from "
            + ctx.options.connections
            + " connections, "
            + ctx.options.inFlight
            + " in flight each, nothing running. "
            + BATCH
            + " (\"creates, batch call\"): coordd createTasks of "
            + ctx.options.batch
            + " per call from "
            + ctx.options.connections
            + " connections; JobRunr BackgroundJob.enqueue(Stream) and db-scheduler"
            + " scheduleBatch, one call of all tasks. "
            + DAEMON_WORKERS
            + " (\"end to end, daemon workers\"): batch creates to the last completion in the"
            + " store. "
            + EXTERNAL
            + " (\"end to end, external claimers\"): coordd tasks claimed "
            + ctx.options.claimBatch
            + " per claimTasks by "
            + ctx.options.connections
            + " external agents, completed with one completeTasks per claim");
    for (int round = 0; round < ctx.rounds(); round++) {
      for (QueueSystem s : ctx.systems()) {
        String what = "throughput " + kind.label() + " " + s.name() + " " + ctx.roundLabel(round);
        Double single = null;
        if (s instanceof CoorddSystem c) {
          ctx.progress.show(what + ": creates, single, pipelined");
          single =
              measure(ctx, kind, "single", dir -> store -> c.singleCreatesPerSecond(store, dir, n));
        }
        ctx.progress.show(what + ": creates, batch call");
        double batch =
            measure(ctx, kind, "batch", dir -> store -> s.batchCreatesPerSecond(store, dir, n));
        ctx.progress.show(what + ": end to end, daemon workers");
        double e2e = measure(ctx, kind, "e2e", dir -> store -> s.endToEndPerSecond(store, dir, n));
        Double external = null;
        if (s instanceof CoorddSystem c) {
          ctx.progress.show(what + ": end to end, external claimers");
          external = measure(ctx, kind, "ext", dir -> store -> c.externalPerSecond(store, dir, n));
        }
        if (ctx.measured(round)) {
          if (single != null) {
            ctx.results.add("throughput", kind, s.name(), SINGLE, true, single);
          }
          ctx.results.add("throughput", kind, s.name(), BATCH, true, batch);
          ctx.results.add("throughput", kind, s.name(), DAEMON_WORKERS, true, e2e);
          if (external != null) {
            ctx.results.add("throughput", kind, s.name(), EXTERNAL, true, external);
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
