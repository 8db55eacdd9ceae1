package dev.coordd.cli.tasks;

import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.client.CoorddClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "fail",
    mixinStandardHelpOptions = true,
    description = "Fail the attempt of a task you claimed; it is retried while attempts remain.")
final class TaskFailCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Option(names = "--agent", required = true, paramLabel = "NAME")
  String agent;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The claim token task claim printed for this task (task show ID prints it too).")
  String token;

  @Option(names = "--error", required = true, paramLabel = "TEXT")
  String error;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Cli.printTaskChange(spec, common, client.failTask(id, agent, token, error));
      return 0;
    }
  }
}
