package dev.coordd.bench;

import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.bench.peers.DbSchedulerSystem;
import dev.coordd.bench.peers.JobRunrSystem;
import dev.coordd.bench.peers.Load;
import dev.coordd.bench.peers.QueueSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** What every scenario shares: the options, the results, the progress line, scratch folders. */
public final class BenchContext {
  public final Options options;
  public final Results results;
  public final Progress progress;
  public final Load load;
  private final Path scratch;
  private final AtomicInteger folders = new AtomicInteger();

  public BenchContext(Options options, Results results, Progress progress, Path scratch) {
    this.options = options;
    this.results = results;
    this.progress = progress;
    this.scratch = scratch;
    this.load =
        new Load(
            options.connections,
            options.inFlight,
            options.batch,
            options.workers,
            options.claimBatch,
            options.daemonWarmup);
  }

  public CoorddSystem coordd() {
    return new CoorddSystem(load, options.daemonJvmOptions);
  }

  /** coordd first, then the chosen peers: the order each round runs them in. */
  public List<QueueSystem> systems() {
    List<QueueSystem> all = new ArrayList<>();
    all.add(coordd());
    if (options.peers.contains("jobrunr")) {
      all.add(new JobRunrSystem(load));
    }
    if (options.peers.contains("db-scheduler")) {
      all.add(new DbSchedulerSystem(load));
    }
    return all;
  }

  /** A new empty folder under the run's scratch folder (short: it holds daemon sockets). */
  public Path folder(String what) throws IOException {
    Path p = scratch.resolve(folders.incrementAndGet() + "-" + what);
    Files.createDirectories(p);
    return p;
  }

  /** A fresh store for one measurement, in {@code dir}. */
  public StoreTarget store(StoreKind kind, Path dir, String label) {
    return StoreTarget.create(kind, dir, options.pgUrl, label);
  }

  /** The rounds of a scenario: warm-ups first (discarded), then the measured runs. */
  public int rounds() {
    return options.warmups + options.runs;
  }

  public boolean measured(int round) {
    return round >= options.warmups;
  }

  public String roundLabel(int round) {
    return measured(round)
        ? "run " + (round - options.warmups + 1) + "/" + options.runs
        : "warm-up " + (round + 1) + "/" + options.warmups;
  }
}
