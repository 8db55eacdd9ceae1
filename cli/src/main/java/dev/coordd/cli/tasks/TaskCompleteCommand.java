package dev.coordd.cli.tasks;

import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.client.CoorddClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "complete",
    mixinStandardHelpOptions = true,
    description = "Complete a task you claimed, with its result.")
final class TaskCompleteCommand implements Callable<Integer> {
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

  @Option(
      names = "--result",
      paramLabel = "JSON|@FILE",
      description = "The result: inline JSON, @file, or @- for stdin (default null).")
  String result;

  @Override
  public Integer call() {
    try (CoorddClient client = common.connect()) {
      Cli.printTaskChange(
          spec, common, client.completeTask(id, agent, token, Inputs.json("--result", result)));
      return 0;
    }
  }
}
