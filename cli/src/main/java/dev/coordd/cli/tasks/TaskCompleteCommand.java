package dev.coordd.cli.tasks;

import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.cli.PlainArgs;
import dev.coordd.client.CoorddClient;
import java.io.PrintWriter;
import java.util.Set;
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

  /** {@code task complete ID} and plain options without picocli (cli FastPath), or -1. */
  static int plain(String[] args, PrintWriter out) {
    if (args.length < 3 || args[2].startsWith("-")) {
      return -1; // the ID first, as agents are told to write it; any other order goes to picocli
    }
    PlainArgs options =
        PlainArgs.parse(
            args,
            3,
            Set.of("--json"),
            Set.of("--home", "--agent", "--token", "--result"),
            Set.of());
    if (options == null
        || options.value("--agent") == null
        || !PlainArgs.isPath(options.value("--home"))) {
      return -1;
    }
    TaskCompleteCommand c = new TaskCompleteCommand();
    c.common = options.common();
    c.id = args[2];
    c.agent = options.value("--agent");
    c.token = options.value("--token");
    c.result = options.value("--result");
    return c.run(out);
  }

  @Override
  public Integer call() {
    return run(spec.commandLine().getOut());
  }

  private int run(PrintWriter out) {
    try (CoorddClient client = common.connect()) {
      Cli.printTaskChange(
          out, common, client.completeTask(id, agent, token, Inputs.json("--result", result)));
      return 0;
    }
  }
}
