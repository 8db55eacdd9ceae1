package dev.coordd.cli.check;

import dev.coordd.api.Invocation;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.cli.console.Tables;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.PrintWriter;
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
 * {@code coordd check}: the invocation queue for AI sessions (run it at session start). Reads and
 * claims work from the files alone, so it works with no daemon running; completing and failing go
 * through the daemon when one runs, so the waiting task finishes at once.
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
