package dev.coordd.cli;

import dev.coordd.api.QueueState;
import dev.coordd.cli.console.Tables;
import dev.coordd.client.CoorddClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coordd queue …}: pause, resume and cap task types, for every claimer alike. */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = "Pause, resume and limit task types (honoured by the daemon and every agent).",
    subcommands = {
      QueueCommand.ListQueues.class,
      QueueCommand.Pause.class,
      QueueCommand.Resume.class,
      QueueCommand.Limit.class
    })
final class QueueCommand {

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Task types with their state, limit, running and queued counts.")
  static final class ListQueues implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        List<QueueState> queues = client.listQueues();
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
          Output.json(out, queues);
          return 0;
        }
        if (queues.isEmpty()) {
          out.println("no task types yet");
          return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (QueueState q : queues) {
          rows.add(
              List.of(
                  q.type(),
                  q.paused() ? "paused" : "active",
                  q.maxConcurrency() == null ? "-" : q.maxConcurrency().toString(),
                  Long.toString(q.running()),
                  Long.toString(q.queued())));
        }
        out.print(Tables.render(List.of("TYPE", "STATE", "LIMIT", "RUNNING", "QUEUED"), rows));
        out.flush();
        return 0;
      }
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop every claimer from taking tasks of TYPE; running ones finish.")
  static final class Pause implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TYPE")
    String type;

    @Override
    public Integer call() {
      return change(spec, common, c -> c.pauseQueue(type));
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Let claimers take tasks of TYPE again.")
  static final class Resume implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TYPE")
    String type;

    @Override
    public Integer call() {
      return change(spec, common, c -> c.resumeQueue(type));
    }
  }

  @Command(
      name = "limit",
      mixinStandardHelpOptions = true,
      description = "Run at most N tasks of TYPE at once across all claimers ('none' removes it).")
  static final class Limit implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TYPE")
    String type;

    @Parameters(index = "1", paramLabel = "N|none")
    String limit;

    @Override
    public Integer call() {
      Integer n;
      if (limit.equalsIgnoreCase("none")) {
        n = null;
      } else {
        try {
          n = Integer.valueOf(limit);
        } catch (NumberFormatException e) {
          throw new ParameterException(
              spec.commandLine(), "N must be a whole number or 'none', got '" + limit + "'");
        }
      }
      return change(spec, common, c -> c.limitQueue(type, n));
    }
  }

  private static int change(
      CommandSpec spec, Common common, Function<CoorddClient, QueueState> op) {
    try (CoorddClient client = common.connect()) {
      QueueState q = op.apply(client);
      if (common.json) {
        Output.json(spec.commandLine().getOut(), q);
      } else {
        spec.commandLine()
            .getOut()
            .println(
                q.type()
                    + " "
                    + (q.paused() ? "paused" : "active")
                    + ", limit "
                    + (q.maxConcurrency() == null ? "none" : q.maxConcurrency())
                    + ", "
                    + q.running()
                    + " running, "
                    + q.queued()
                    + " queued");
      }
      return 0;
    }
  }
}
