package dev.coordd.cli.check;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description = "Delete archived invocations older than DAYS (default 7; 0 deletes all).")
final class CheckCleanupCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DAYS", defaultValue = "7")
  int days;

  @Override
  public Integer call() {
    if (days < 0) {
      throw new ParameterException(spec.commandLine(), "DAYS must be 0 or more, got " + days);
    }
    if (ClusterInvocations.inDatabase(common.home())) {
      throw new InvalidRequestException(
          "store",
          "this home's store is PostgreSQL (cluster mode): archived invocations live in the shared"
              + " database and the leader daemon deletes them after retention.invocations; set"
              + " that in the configuration instead of running check cleanup");
    }
    int deleted =
        new InvocationFiles(common.home(), Clock.systemUTC()).cleanup(Duration.ofDays(days));
    if (common.json) {
      Output.json(spec.commandLine().getOut(), Map.of("deleted", deleted));
    } else {
      spec.commandLine()
          .getOut()
          .println(
              "deleted "
                  + deleted
                  + " archived invocation(s)"
                  + (days == 0 ? "" : " older than " + days + " day(s)"));
    }
    return 0;
  }
}
