package dev.coordd.cli.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.Invocation;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coordd check complete|fail}: archives the invocation and finishes its task. Through the
 * daemon when one runs (the task finishes at once); from the files otherwise (the daemon settles
 * the task when it starts), except in a cluster, where only the daemon reaches the invocations.
 */
final class CheckFinishCommand {
  private CheckFinishCommand() {}

  @Command(
      name = "complete",
      mixinStandardHelpOptions = true,
      description = "Complete an invocation with its result; its task succeeds.")
  static final class Complete implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(
        names = "--result",
        paramLabel = "JSON|@FILE|-",
        description = "The result: inline JSON, @file, or - for stdin (default null).")
    String result;

    @Override
    public Integer call() {
      JsonNode value = Inputs.json("--result", result);
      return finish(
          spec, common, id, c -> c.completeInvocation(id, value), f -> f.complete(id, value));
    }
  }

  @Command(
      name = "fail",
      mixinStandardHelpOptions = true,
      description = "Fail an invocation; its task fails with this error.")
  static final class Fail implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--error", required = true, paramLabel = "TEXT")
    String error;

    @Override
    public Integer call() {
      return finish(spec, common, id, c -> c.failInvocation(id, error), f -> f.fail(id, error));
    }
  }

  private static int finish(
      CommandSpec spec,
      Common common,
      String id,
      Function<CoorddClient, Invocation> viaDaemon,
      Function<InvocationFiles, Invocation> viaFiles) {
    InvocationFiles.checkId(id);
    PrintWriter out = spec.commandLine().getOut();
    Invocation done;
    String note;
    try (CoorddClient client = common.connect()) {
      done = viaDaemon.apply(client);
      note = "its task " + done.taskId() + " is finished";
    } catch (DaemonNotRunningException e) {
      if (ClusterInvocations.inDatabase(common.home())) {
        // the home's files are not where a cluster's invocations are: finishing there would lie
        throw new DaemonNotRunningException(
            ClusterInvocations.notRunning(common.home(), e.getMessage()));
      }
      done = viaFiles.apply(new InvocationFiles(common.home(), Clock.systemUTC()));
      note = "no daemon is running; task " + done.taskId() + " is settled when one starts";
    }
    if (common.json) {
      Output.json(out, done);
    } else {
      out.println("invocation " + done.id() + " " + done.status() + "; " + note);
    }
    out.flush();
    return 0;
  }
}
