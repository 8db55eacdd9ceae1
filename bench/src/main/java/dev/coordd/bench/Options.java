package dev.coordd.bench;

import dev.coordd.api.CoordinationService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code coordd bench SCENARIO [options]}: what to run, how big, how often, where. */
public final class Options {
  public static final List<String> SCENARIOS =
      List.of("latency", "throughput", "scale", "recovery", "cli", "memory");
  public static final List<String> PEERS = List.of("jobrunr", "db-scheduler");
  static final String DEFAULT_PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  public List<String> scenarios = new ArrayList<>();
  public List<StoreKind> stores = new ArrayList<>(List.of(StoreKind.SQLITE, StoreKind.POSTGRES));
  public List<String> peers = new ArrayList<>(PEERS);
  public int runs = 3;
  public int warmups = 1;
  public int latencyTasks = 1000;
  public double latencyRate = 200;
  public int tasks = 20_000;
  public int connections = 4;
  public int inFlight = 128;
  public int batch = 1000;
  public int workers = 16;
  public int claimBatch = 100;
  public List<Integer> sizes = new ArrayList<>(List.of(1_000, 100_000, 1_000_000));
  public int claims = 200;
  public int recoveryTasks = 10;
  public int cliRuns = 10;
  public int waiters = 1000;
  public int settleMs = 2000;
  public int daemonWarmup = 10_000;
  public String pgUrl = System.getenv().getOrDefault("COORDD_BENCH_PG_URL", DEFAULT_PG_URL);
  public Path out = Path.of("target", "bench");
  public Path launcher;
  public List<String> daemonJvmOptions = new ArrayList<>();
  public boolean json;
  public boolean help;

  /** The command line as given, for the report's "reproduce with". */
  public String command;

  public static Options parse(String... args) {
    Options o = new Options();
    o.command = "coordd bench " + String.join(" ", args);
    List<String> a = Arrays.asList(args);
    for (int i = 0; i < a.size(); i++) {
      String arg = a.get(i);
      String name = arg;
      String value = null;
      if (arg.startsWith("--") && arg.contains("=")) {
        name = arg.substring(0, arg.indexOf('='));
        value = arg.substring(arg.indexOf('=') + 1);
      }
      switch (name) {
        case "-h", "--help" -> o.help = true;
        case "--json" -> o.json = true;
        case "--store" -> {
          String v = value != null ? value : next(a, ++i, name);
          o.stores = new ArrayList<>();
          for (String s : v.split(",")) {
            o.stores.add(StoreKind.parse(s.trim()));
          }
        }
        case "--peers" -> {
          String v = value != null ? value : next(a, ++i, name);
          o.peers = new ArrayList<>();
          if (!v.equals("none")) {
            for (String p : v.split(",")) {
              if (!PEERS.contains(p.trim())) {
                throw new UsageException(
                    "--peers: unknown peer '"
                        + p
                        + "'; use "
                        + String.join(",", PEERS)
                        + " or none");
              }
              o.peers.add(p.trim());
            }
          }
        }
        case "--runs" -> o.runs = positive(name, value != null ? value : next(a, ++i, name));
        case "--warmup" -> o.warmups = count(name, value != null ? value : next(a, ++i, name));
        case "--latency-tasks" ->
            o.latencyTasks = positive(name, value != null ? value : next(a, ++i, name));
        case "--rate" -> {
          String v = value != null ? value : next(a, ++i, name);
          try {
            o.latencyRate = Double.parseDouble(v);
          } catch (NumberFormatException e) {
            o.latencyRate = -1;
          }
          if (!(o.latencyRate > 0)) {
            throw new UsageException("--rate: expected creates per second > 0, got '" + v + "'");
          }
        }
        case "--tasks" -> o.tasks = positive(name, value != null ? value : next(a, ++i, name));
        case "--connections" ->
            o.connections = positive(name, value != null ? value : next(a, ++i, name));
        case "--in-flight" ->
            o.inFlight = positive(name, value != null ? value : next(a, ++i, name));
        case "--batch" -> o.batch = batchSize(name, value != null ? value : next(a, ++i, name));
        case "--workers" -> o.workers = positive(name, value != null ? value : next(a, ++i, name));
        case "--claim-batch" ->
            o.claimBatch = batchSize(name, value != null ? value : next(a, ++i, name));
        case "--sizes" -> {
          String v = value != null ? value : next(a, ++i, name);
          o.sizes = new ArrayList<>();
          for (String s : v.split(",")) {
            o.sizes.add(positive(name, s.trim().replace("_", "")));
          }
        }
        case "--claims" -> o.claims = positive(name, value != null ? value : next(a, ++i, name));
        case "--recovery-tasks" ->
            o.recoveryTasks = positive(name, value != null ? value : next(a, ++i, name));
        case "--cli-runs" -> o.cliRuns = positive(name, value != null ? value : next(a, ++i, name));
        case "--waiters" -> o.waiters = count(name, value != null ? value : next(a, ++i, name));
        case "--settle-ms" -> o.settleMs = count(name, value != null ? value : next(a, ++i, name));
        case "--daemon-warmup" ->
            o.daemonWarmup = count(name, value != null ? value : next(a, ++i, name));
        case "--pg-url" -> o.pgUrl = value != null ? value : next(a, ++i, name);
        case "--out" -> o.out = Path.of(value != null ? value : next(a, ++i, name));
        case "--launcher" -> o.launcher = Path.of(value != null ? value : next(a, ++i, name));
        case "--daemon-jvm" -> {
          String v = value != null ? value : next(a, ++i, name);
          o.daemonJvmOptions = new ArrayList<>(List.of(v.trim().split("\\s+")));
        }
        default -> {
          if (arg.startsWith("-")) {
            throw new UsageException("unknown option '" + arg + "'; see coordd bench --help");
          }
          if (arg.equals("all")) {
            o.scenarios.addAll(SCENARIOS);
          } else if (SCENARIOS.contains(arg)) {
            o.scenarios.add(arg);
          } else {
            throw new UsageException(
                "unknown scenario '"
                    + arg
                    + "'; use all or one of "
                    + String.join(", ", SCENARIOS));
          }
        }
      }
    }
    if (o.scenarios.isEmpty() && !o.help) {
      throw new UsageException(
          "name a scenario: all or one of " + String.join(", ", SCENARIOS) + " (--help for more)");
    }
    return o;
  }

  private static String next(List<String> a, int i, String name) {
    if (i >= a.size()) {
      throw new UsageException(name + " needs a value");
    }
    return a.get(i);
  }

  private static int positive(String name, String v) {
    int n = count(name, v);
    if (n < 1) {
      throw new UsageException(name + ": expected a whole number >= 1, got '" + v + "'");
    }
    return n;
  }

  /** A batch call takes at most {@link CoordinationService#MAX_BATCH} items. */
  private static int batchSize(String name, String v) {
    int n = positive(name, v);
    if (n > CoordinationService.MAX_BATCH) {
      throw new UsageException(
          name
              + ": at most "
              + CoordinationService.MAX_BATCH
              + " (the daemon's limit per batch call), got "
              + n);
    }
    return n;
  }

  private static int count(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says what was expected
    }
    throw new UsageException(name + ": expected a whole number, got '" + v + "'");
  }

  public static String usage() {
    return """
        Usage: coordd bench SCENARIO... [options] [--json]

        Scenarios (each on a fresh daemon process and store; peers alternate with coordd):
          latency     create -> handler start on an idle daemon (p50/p99/max), with the peers
          throughput  creates (single pipelined; batch call); end to end by the daemon's
                      workers; end to end by external claimers (batch claims)
          scale       claim latency with N tasks queued (--sizes)
          recovery    kill -9 of a daemon with tasks running: time until they run again
          cli         wall time of `coordd check` and `coordd task create`
          memory      daemon RSS idle and with --waiters agents waiting to claim
          all         every scenario

        Options:
          --store sqlite,postgres   stores to run on (default both; PostgreSQL skipped if absent)
          --peers jobrunr,db-scheduler|none   peers beside coordd (default both)
          --runs N            measured runs per system (default 3; medians reported)
          --warmup N          discarded runs before them (default 1)
          --latency-tasks N   tasks per latency run (default 1000)
          --rate R            latency creates per second, one at a time (default 200)
          --tasks N           tasks per throughput run (default 20000)
          --connections N     client connections (default 4)
          --in-flight N       pipelined single creates per connection (default 128)
          --batch N           tasks per batch create, at most 1000 (default 1000)
          --workers N         handlers at once, the same for every system (default 16)
          --claim-batch N     tasks per external claim, at most 1000 (default 100)
          --sizes A,B,C       queued tasks for scale (default 1000,100000,1000000)
          --claims N          claims timed per size (default 200)
          --recovery-tasks N  tasks running at the kill (default 10)
          --cli-runs N        runs of each command (default 10)
          --waiters N         waiting agents for memory (default 1000)
          --settle-ms N       memory: pause before each RSS reading (default 2000)
          --daemon-warmup N   tasks each measured coordd daemon runs first, through every path
                              (its JIT, like the peers' in this JVM, is then warm; default 10000)
          --pg-url URL        PostgreSQL (default $COORDD_BENCH_PG_URL or %s)
          --launcher PATH     the coordd command for `cli` (default this checkout's bin/coordd)
          --daemon-jvm "OPTS" extra JVM options for the daemon processes
          --out DIR           where the summary and charts go (default target/bench)
          --json              print the JSON summary instead of the table
        """
        .formatted(DEFAULT_PG_URL);
  }
}
