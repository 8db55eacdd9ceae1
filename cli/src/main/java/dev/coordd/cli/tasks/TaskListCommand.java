package dev.coordd.cli.tasks;

import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks, newest first.")
final class TaskListCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "queued, running, waiting, succeeded, failed or cancelled.")
  String status;

  @Option(names = "--type", paramLabel = "TYPE")
  String type;

  @Option(names = "--assigned-to", paramLabel = "AGENT")
  String assignedTo;

  @Option(names = "--limit", paramLabel = "N", description = "At most N (default 50).")
  Integer limit;

  @Override
  public Integer call() {
    TaskQuery query =
        new TaskQuery(status == null ? null : TaskStatus.parse(status), type, assignedTo, limit);
    try (CoorddClient client = common.connect()) {
      List<Task> tasks = client.listTasks(query);
      if (common.json) {
        Output.json(spec.commandLine().getOut(), tasks);
      } else {
        Output.taskTable(spec.commandLine().getOut(), tasks);
      }
      return 0;
    }
  }
}
