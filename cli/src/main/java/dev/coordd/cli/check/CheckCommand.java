package dev.coordd.cli.check;

import dev.coordd.api.Invocation;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.cli.console.Tables;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code coordd check}: the invocation queue for AI sessions (run it at session start). On SQLite
 * it reads and claims work from the files alone, so it works with no daemon running; completing and
 * failing go through the daemon when one runs, so the waiting task finishes at once. With a
 * PostgreSQL store (a cluster) every subcommand goes through this machine's daemon ({@link
 * ClusterInvocations}).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Pending invocations for AI agent sessions (same as 'check list').",
    subcommands = {
      CheckCommand.ListCommand.class,
      CheckProcessCommand.class,
      CheckFinishCommand.Complete.class,
      CheckFinishCommand.Fail.class,
      CheckCleanupCommand.class
    })
public final class CheckCommand implements Callable<Integer> {
  @Mixin Common options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return list(spec, options);
  }

  static int list(CommandSpec spec, Common options) {
    return list(spec.commandLine().getOut(), options.home(), options.json);
  }

  /** The listing itself; {@code coordd check} also reaches it without picocli (cli FastPath). */
  public static int list(PrintWriter out, Path home, boolean json) {
    if (ClusterInvocations.inDatabase(home)) {
      return listThroughDaemon(out, home, json);
    }
    if (nothingPending(home)) {
      // The usual answer at a session's start, given without InvocationFiles: it makes a
      // SecureRandom for new ids, and setting up the JDK's security providers cost tens of ms of
      // a short command's start (bench/startup.md); --json skips Jackson's start-up too.
      // String.concat, not +: javac's string concatenation is an invokedynamic whose first use
      // sets up method handles, ~25 ms of this otherwise short answer
      out.println(
          json
              ? "[ ]"
              : "no pending invocations in ".concat(home.resolve("invocations").toString()));
      out.flush();
      return 0;
    }
    InvocationFiles files = new InvocationFiles(home, Clock.systemUTC());
    List<Invocation> pending = files.pendingInvocations();
    if (json) {
      Output.json(out, pending);
      return 0;
    }
    if (pending.isEmpty()) {
      out.println("no pending invocations in " + files.root());
      return 0;
    }
    return table(out, pending);
  }

  /**
   * A cluster home (PostgreSQL store): the invocations are rows of the shared database, listed by
   * this machine's daemon; without one, an error that says to start it.
   */
  private static int listThroughDaemon(PrintWriter out, Path home, boolean json) {
    List<Invocation> pending;
    try (CoorddClient client = ClusterInvocations.daemon(home)) {
      pending = client.listInvocations();
    }
    if (json) {
      Output.json(out, pending);
      return 0;
    }
    if (pending.isEmpty()) {
      out.println("no pending invocations in the cluster's store");
      out.flush();
      return 0;
    }
    return table(out, pending);
  }

  private static int table(PrintWriter out, List<Invocation> pending) {
    long now = System.currentTimeMillis();
    List<List<String>> rows = new ArrayList<>();
    for (Invocation i : pending) {
      rows.add(
          List.of(
              i.id(),
              i.agentType(),
              Tables.ago(i.createdAt(), now),
              Tables.truncate(i.command().replaceAll("\\s+", " "), 80)));
    }
    out.print(Tables.render(List.of("ID", "AGENT TYPE", "CREATED", "COMMAND"), rows));
    out.println("take one with: coordd check process ID");
    out.flush();
    return 0;
  }

  /** True when the pending folder is missing or holds nothing at all (not even a temp file). */
  private static boolean nothingPending(Path home) {
    Path pending = home.resolve("invocations").resolve("pending");
    if (!Files.isDirectory(pending)) {
      return true;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(pending)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      return false; // the full listing says what is wrong
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Pending invocations, newest last.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin Common options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return list(spec, options);
    }
  }
}
