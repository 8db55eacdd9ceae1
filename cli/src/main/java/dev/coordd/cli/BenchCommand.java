package dev.coordd.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code coordd bench}: the benchmark suite, which lives in the bench module with its peers
 * (JobRunr, db-scheduler) so that neither they nor the suite ship in the archive. A checkout's
 * {@code bin/coordd bench} puts that module on the class path; the cli cannot depend on it (the
 * bench depends on the cli), so it is found by name. Without it, a message says where to run it.
 */
@Command(
    name = "bench",
    description = "Benchmarks with the peers side by side (from a checkout: coordd bench --help).")
final class BenchCommand implements Callable<Integer> {
  static final String MAIN = "dev.coordd.bench.BenchMain";

  @Unmatched List<String> args = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Class<?> bench;
    try {
      bench = Class.forName(MAIN);
    } catch (ClassNotFoundException e) {
      if (args.contains("--help") || args.contains("-h")) {
        // the suite's own help lives with it; here, say what it is and where it runs
        PrintWriter out = spec.commandLine().getOut();
        spec.commandLine().usage(out);
        out.println();
        out.println(
            "The suite is not part of the installed coordd. From a checkout of the sources:"
                + " bin/coordd bench --help (see BENCHMARKS.md).");
        out.flush();
        return 0;
      }
      System.err.println(
          "coordd: the benchmark suite is not part of the installed coordd; run it from a checkout"
              + " of the sources: bin/coordd bench --help (see BENCHMARKS.md)");
      return Cli.EXIT_FAILED;
    }
    MethodHandle run =
        MethodHandles.publicLookup()
            .findStatic(
                bench,
                "run",
                MethodType.methodType(
                    int.class, String[].class, PrintStream.class, PrintStream.class));
    try {
      return (int) run.invoke(args.toArray(String[]::new), System.out, System.err);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
