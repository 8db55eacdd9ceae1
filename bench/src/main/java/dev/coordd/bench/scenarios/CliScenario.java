package dev.coordd.bench.scenarios;

import dev.coordd.bench.BenchContext;
import dev.coordd.bench.DaemonProcess;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.UsageException;
import dev.coordd.bench.daemon.BenchDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Wall time of the commands agents run most, as whole processes through the launcher, against a
 * running daemon: {@code coordd check} and {@code coordd task create}, alternated. The warm-up
 * rounds also absorb a first build of a checkout's launcher.
 */
public final class CliScenario {
  private CliScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    Path launcher = launcher(ctx.options.launcher);
    ctx.results.note(
        "cli",
        "wall time of whole processes through "
            + launcher
            + ", median of "
            + ctx.options.cliRuns
            + " per run, against a running daemon");
    Path dir = ctx.folder("cli");
    try (StoreTarget store = ctx.store(kind, dir, "cli");
        DaemonProcess d = ctx.coordd().start(store, dir, 1)) {
      String home = d.home().toString();
      List<String> check = List.of(launcher.toString(), "check", "--home", home);
      List<String> create =
          List.of(launcher.toString(), "task", "create", BenchDaemon.NOOP, "--home", home);
      for (int round = 0; round < ctx.rounds(); round++) {
        ctx.progress.show("cli " + kind.label() + " " + ctx.roundLabel(round));
        List<Double> checks = new ArrayList<>();
        List<Double> creates = new ArrayList<>();
        for (int i = 0; i < ctx.options.cliRuns; i++) {
          checks.add(wallMillis(check, dir));
          creates.add(wallMillis(create, dir));
        }
        if (ctx.measured(round)) {
          ctx.results.add("cli", kind, "coordd", "check_wall_ms", false, Figures.median(checks));
          ctx.results.add(
              "cli", kind, "coordd", "task_create_wall_ms", false, Figures.median(creates));
        }
      }
    }
  }

  static double wallMillis(List<String> cmd, Path dir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("COORDD_") && !k.equals("COORDD_LAUNCHER"));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("cli.out").toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("cli.out").toFile()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    int code = p.waitFor();
    long t1 = System.nanoTime();
    if (code != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd)
              + " exited "
              + code
              + "; its output is in "
              + dir.resolve("cli.out"));
    }
    return Figures.millis(t1 - t0);
  }

  /**
   * The coordd command to time: the one named, else the checkout's launcher that started this
   * benchmark (bin/coordd exports COORDD_LAUNCHER), else bin/coordd above the current folder.
   */
  static Path launcher(Path given) {
    if (given != null) {
      if (!Files.isExecutable(given)) {
        throw new UsageException("--launcher " + given + " is not an executable file");
      }
      return given.toAbsolutePath();
    }
    String env = System.getenv("COORDD_LAUNCHER");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("bin").resolve("coordd");
      if (Files.isExecutable(candidate) && Files.exists(p.resolve("cli"))) {
        return candidate;
      }
    }
    throw new UsageException(
        "no coordd command to time: run from a checkout or name one with --launcher PATH");
  }
}
