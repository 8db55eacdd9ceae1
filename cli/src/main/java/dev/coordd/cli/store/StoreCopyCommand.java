package dev.coordd.cli.store;

import dev.coordd.cli.Cli;
import dev.coordd.cli.HomeOption;
import dev.coordd.daemon.store.StoreCopy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd store copy --to URL}: moves a single-machine home's SQLite store into an empty
 * PostgreSQL schema, all or nothing, with the daemon stopped.
 */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description = {
      "Copy this home's SQLite store (tasks with their runs, dependencies, agents, barriers,"
          + " events with their sequence numbers, subscriptions, locks, schedules, queue pauses"
          + " and caps) into an empty PostgreSQL schema, in one transaction: it all arrives or"
          + " nothing does. The SQLite file is only read.",
      "The home's daemon must be stopped (coordd stop). The target is created and migrated as a"
          + " daemon would; a target that already holds data is refused.",
      "Invocation files and the inbox stay files in the home."
    })
final class StoreCopyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HomeOption home;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description =
          "The PostgreSQL to copy into: postgres://USER[:PASSWORD]@HOST:5432/DATABASE"
              + "?currentSchema=SCHEMA (postgresql://… and jdbc:postgresql://… work too).")
  String to;

  @Option(
      names = "--dry-run",
      description = "Check both sides and count what would be copied; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String url = PostgresUrl.toJdbc(to);
    Path resolved = home.resolve();
    StoreCopy.Result result;
    try (StoppedHome ignored = StoppedHome.hold(resolved)) {
      Path file = resolved.resolve("coordd.db");
      result = dryRun ? StoreCopy.plan(file, url) : StoreCopy.copy(file, url);
    }
    print(out, resolved, url, result);
    out.flush();
    return Cli.EXIT_OK;
  }

  /** The .json files directly in a folder; 0 when it does not exist. */
  private static long files(Path folder) {
    if (!java.nio.file.Files.isDirectory(folder)) {
      return 0;
    }
    try (var list = java.nio.file.Files.list(folder)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    } catch (java.io.IOException e) {
      return 0; // only a hint; the copy itself is done
    }
  }

  private void print(PrintWriter out, Path resolved, String url, StoreCopy.Result r) {
    String target = PostgresUrl.redact(url);
    out.println(
        (dryRun ? "Would copy " : "Copied ")
            + resolved.resolve("coordd.db")
            + " (schema version "
            + r.version()
            + ") into "
            + target
            + ", schema "
            + r.schema()
            + (dryRun ? ":" : " (one transaction):"));
    long total = 0;
    for (StoreCopy.Table t : r.tables()) {
      out.printf("  %-22s %,d%n", t.name(), t.rows());
      total += t.rows();
    }
    out.printf("  %-22s %,d%n", "rows in all", total);
    if (!r.notCopied().isEmpty()) {
      out.println(
          "Not copied (the target has no place for them): " + String.join(", ", r.notCopied()));
    }
    if (dryRun) {
      out.println(
          r.targetVersion() == 0
              ? "The target has no coordd tables yet; the copy would create them."
              : "The target is an empty coordd store at schema version " + r.targetVersion() + ".");
      out.println("Nothing was changed. Run again without --dry-run to copy.");
      return;
    }
    out.println(
        "Invocation files (invocations/) and the inbox (inbox/) stay files in "
            + resolved
            + "; the SQLite file is unchanged.");
    long open =
        files(resolved.resolve("invocations/pending"))
            + files(resolved.resolve("invocations/processing"));
    long inbox = files(resolved.resolve("inbox"));
    if (open > 0 || inbox > 0) {
      out.println(
          "Warning: "
              + open
              + " invocation file(s) are pending or in process and "
              + inbox
              + " task file(s) wait in inbox/. Daemons on PostgreSQL keep invocations in the"
              + " database and do not read these: finish them (coordd check) and let a daemon on"
              + " this home take the inbox before switching, or their tasks wait until they time"
              + " out.");
    }
    out.println("To run on the copy, set in the config of every daemon that shares it:");
    out.println("  store.kind  postgres");
    out.println("  store.url   " + target);
    if (!target.equals(url)) {
      out.println("  (the password is shown as ***; write the real one, or use a .pgpass file)");
    }
    out.println(
        "A daemon on PostgreSQL is named daemon@HOST unless the config sets name; tasks"
            + " assigned to daemon run on any of them.");
    out.println(
        "e.g. coordd daemon --home "
            + resolved
            + " --set store.kind=postgres --set store.url='"
            + target
            + "'");
  }
}
