package dev.coordd.cli.check;

import dev.coordd.api.Invocation;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coordd check process ID}: takes an invocation (one winner) and shows it in full. */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    description = "Take a pending invocation and show it; of racing sessions exactly one wins.")
final class CheckProcessCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Option(
      names = "--agent",
      paramLabel = "NAME",
      description = "Who takes it (default: $COORDD_AGENT, else cli:$USER).")
  String agent;

  @Override
  public Integer call() {
    Invocation taken;
    if (ClusterInvocations.inDatabase(common.home())) {
      InvocationFiles.checkId(id);
      try (CoorddClient client = ClusterInvocations.daemon(common.home())) {
        taken = client.processInvocation(id, agentName(agent));
      }
    } else {
      taken = new InvocationFiles(common.home(), Clock.systemUTC()).process(id, agentName(agent));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Output.json(out, taken);
      return 0;
    }
    out.println(
        "invocation "
            + taken.id()
            + " (task "
            + taken.taskId()
            + ") is yours, "
            + taken.takenBy()
            + ".");
    out.println("agent type: " + taken.agentType());
    out.println("context:    " + taken.context());
    out.println("command:");
    out.println(taken.command().indent(2).stripTrailing());
    out.println();
    out.println("when done:  coordd check complete " + taken.id() + " --result '{...}'");
    out.println("if not:     coordd check fail " + taken.id() + " --error 'why'");
    out.flush();
    return 0;
  }

  static String agentName(String given) {
    if (given != null) {
      return given;
    }
    String env = System.getenv("COORDD_AGENT");
    return env != null && !env.isBlank() ? env : "cli:" + System.getProperty("user.name", "user");
  }
}
