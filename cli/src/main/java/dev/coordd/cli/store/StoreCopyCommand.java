package dev.coordd.cli.store;

import dev.coordd.api.Invocation;
import dev.coordd.cli.Cli;
import dev.coordd.cli.HomeOption;
import dev.coordd.daemon.invoke.InvocationsToCopy;
import dev.coordd.daemon.store.StoreCopy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
          + " and caps) and its invocation files (pending, in process and the kept finished ones,"
          + " which a cluster keeps in the database) into an empty PostgreSQL schema, in one"
          + " transaction: it all arrives or nothing does. The SQLite file and the invocation"
          + " files are only read.",
      "The home's daemon must be stopped (coordd stop). The target is created and migrated as a"
          + " daemon would; a target that already holds data is refused.",
      "The inbox stays files in the home."
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
      // read while the home is held: no session of coordd check moves one meanwhile
      List<Invocation> invocations = InvocationsToCopy.read(resolved);
      result =
          dryRun ? StoreCopy.plan(file, url, invocations) : StoreCopy.copy(file, url, invocations);
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
    out.printf("  %-22s %,d%n", "invocation files", r.invocationFiles());
    total += r.invocationFiles();
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
        "The invocation files are now rows of the invocations table (coordd check lists the"
            + " pending ones through any daemon on the copy); the files, the inbox (inbox/) and"
            + " the SQLite file in "
            + resolved
            + " are unchanged.");
    long inbox = files(resolved.resolve("inbox"));
    if (inbox > 0) {
      out.println(
          "Warning: "
              + inbox
              + " task file(s) wait in inbox/, which the copy does not read: let a daemon on"
              + " this home take them before switching.");
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
