package dev.coordd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.bench.peers.QueueSystem;
import dev.coordd.bench.scenarios.CliScenario;
import dev.coordd.bench.scenarios.LatencyScenario;
import dev.coordd.bench.scenarios.MemoryScenario;
import dev.coordd.bench.scenarios.RecoveryScenario;
import dev.coordd.bench.scenarios.ScaleScenario;
import dev.coordd.bench.scenarios.ThroughputScenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code coordd bench}: runs the scenarios, prints a table (or the JSON summary with --json), and
 * writes {@code summary.json} and one SVG chart per scenario under the output folder. The cli's
 * {@code bench} command calls {@link #run} when this module is on its class path.
 */
public final class BenchMain {
  /** Scenarios where the peers run beside coordd; the others measure coordd alone. */
  static final Set<String> WITH_PEERS = Set.of("latency", "throughput");

  private BenchMain() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Exit code: 0 done, 1 a scenario failed, 2 a usage error. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (UsageException e) {
      err.println("coordd bench: " + e.getMessage());
      return 2;
    }
    if (o.help) {
      out.print(Options.usage());
      return 0;
    }
    QuietLogs.apply();
    try {
      return new BenchMain().execute(o, out, err);
    } catch (UsageException e) {
      err.println("coordd bench: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("coordd bench: failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  private int execute(Options o, PrintStream out, PrintStream err) throws Exception {
    long start = System.nanoTime();
    Instant started = Instant.now();
    double loadBefore = Machine.loadAverage();
    Results results = new Results();
    Progress progress = new Progress(err, start);
    // Under /tmp, not the output folder: a daemon's socket path must stay short.
    Path scratch = Files.createTempDirectory("coordd-bench-");
    List<String> skipped = new ArrayList<>();
    try {
      BenchContext ctx = new BenchContext(o, results, progress, scratch);
      List<StoreKind> stores = new ArrayList<>(o.stores);
      if (stores.contains(StoreKind.POSTGRES) && !StoreTarget.reachable(o.pgUrl)) {
        String why =
            "PostgreSQL is not reachable at "
                + o.pgUrl
                + ": its scenarios are skipped (start it, or name another with --pg-url)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new IllegalStateException("CI=true and " + why);
        }
        err.println("!!!!! coordd bench: " + why);
        skipped.add(why);
        stores.remove(StoreKind.POSTGRES);
      }
      for (String scenario : o.scenarios) {
        for (StoreKind kind : stores) {
          switch (scenario) {
            case "latency" -> LatencyScenario.run(ctx, kind);
            case "throughput" -> ThroughputScenario.run(ctx, kind);
            case "scale" -> ScaleScenario.run(ctx, kind);
            case "recovery" -> RecoveryScenario.run(ctx, kind);
            case "cli" -> CliScenario.run(ctx, kind);
            case "memory" -> MemoryScenario.run(ctx, kind);
            default -> throw new UsageException("unknown scenario " + scenario);
          }
        }
      }
      progress.done();
      ObjectNode summary = summary(o, ctx, results, started, loadBefore, start, skipped);
      Path written = write(o, results, summary);
      if (o.json) {
        out.println(mapper().writeValueAsString(summary));
      } else {
        out.print(results.table(o.peers));
        out.println();
        out.println(conditions(summary));
        out.println("Summary and charts: " + written.toAbsolutePath());
      }
      return 0;
    } finally {
      deleteTree(scratch);
    }
  }

  private static ObjectNode summary(
      Options o,
      BenchContext ctx,
      Results results,
      Instant started,
      double loadBefore,
      long start,
      List<String> skipped) {
    ObjectNode s = mapper().createObjectNode();
    s.put("command", o.command);
    s.put("started", started.toString());
    s.put("seconds", (System.nanoTime() - start) / 1e9);
    ObjectNode machine = Machine.describe();
    machine.put("load_average_start", loadBefore);
    machine.put("load_average_end", Machine.loadAverage());
    machine.remove("load_average");
    s.set("machine", machine);
    ObjectNode durability = s.putObject("durability");
    durability.put(
        "sqlite", "WAL, synchronous=FULL (coordd's default; set on the peers' connections)");
    durability.put("postgres", "the server's defaults (fsync, synchronous_commit)");
    ArrayNode stores = s.putArray("stores");
    o.stores.forEach(k -> stores.add(k.label()));
    ObjectNode sizes = s.putObject("sizes");
    sizes.put("runs", o.runs);
    sizes.put("warmups", o.warmups);
    sizes.put("latency_tasks", o.latencyTasks);
    sizes.put("latency_rate_per_s", o.latencyRate);
    sizes.put("tasks", o.tasks);
    sizes.put("connections", o.connections);
    sizes.put("in_flight_per_connection", o.inFlight);
    sizes.put("create_batch", o.batch);
    sizes.put("workers", o.workers);
    sizes.put("claim_batch", o.claimBatch);
    ArrayNode scale = sizes.putArray("scale_sizes");
    o.sizes.forEach(scale::add);
    sizes.put("claims", o.claims);
    sizes.put("recovery_tasks", o.recoveryTasks);
    sizes.put("cli_runs", o.cliRuns);
    sizes.put("waiters", o.waiters);
    sizes.put("settle_ms", o.settleMs);
    ArrayNode daemonJvm = sizes.putArray("daemon_jvm_extra");
    o.daemonJvmOptions.forEach(daemonJvm::add);
    ObjectNode systems = s.putObject("systems");
    for (QueueSystem q : ctx.systems()) {
      systems.put(q.name(), q.method());
    }
    s.set("notes", results.notesJson());
    ArrayNode skip = s.putArray("skipped");
    skipped.forEach(skip::add);
    s.set("results", results.toJson());
    s.set("ratios", results.ratiosJson());
    return s;
  }

  private static Path write(Options o, Results results, ObjectNode summary) throws IOException {
    Files.createDirectories(o.out);
    Path file = o.out.resolve("summary.json");
    mapper().writeValue(file.toFile(), summary);
    Files.writeString(
        o.out.resolve("table.md"), results.table(o.peers) + "\n" + conditions(summary) + "\n");
    List<String> systems = new ArrayList<>();
    systems.add(Results.COORDD);
    systems.addAll(o.peers);
    results
        .figures()
        .forEach(
            (scenario, byStore) -> {
              String svg = Charts.svg(scenario, byStore, systems);
              if (svg != null) {
                try {
                  Files.writeString(o.out.resolve(scenario + ".svg"), svg);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            });
    return file;
  }

  /** The machine's load around the run: figures from a busy machine are read as ratios. */
  static String conditions(ObjectNode summary) {
    return String.format(
        java.util.Locale.ROOT,
        "Load average %.2f at the start, %.2f at the end (%d cores); medians of %d runs after %d"
            + " warm-up runs; ratios are coordd / peer.",
        summary.at("/machine/load_average_start").asDouble(),
        summary.at("/machine/load_average_end").asDouble(),
        summary.at("/machine/cores").asInt(),
        summary.at("/sizes/runs").asInt(),
        summary.at("/sizes/warmups").asInt());
  }

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("coordd bench: could not remove " + root + ": " + e.getMessage());
    }
  }
}
