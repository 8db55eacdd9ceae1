package dev.coordd.cli.tasks;

import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.inbox.InboxDrop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coordd task create}: prints the new task's id. With no daemon running, the task goes to
 * the home's {@code inbox/} so nothing is lost; the next daemon creates it. With {@code --batch},
 * many tasks from JSON lines ({@link TaskBatchCreate}); those need a running daemon.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a task; prints its id (with --wait, the finished task).")
final class TaskCreateCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TYPE",
      description = "Task type, e.g. file_operation (required unless --batch).")
  String type;

  @Option(
      names = "--batch",
      paramLabel = "FILE|-",
      description =
          "Create many tasks: one JSON task per line (e.g. {\"type\": \"build\", \"data\": {}}),"
              + " from FILE or - for stdin. Prints one line per task: its id, or an empty line if"
              + " it failed (why goes to stderr); exit 0 only if all were created.")
  String batch;

  @Option(names = "--description", paramLabel = "TEXT")
  String description;

  @Option(
      names = "--data",
      paramLabel = "JSON|@FILE",
      description = "Task data: inline JSON, @file, or @- for stdin.")
  String data;

  @Option(
      names = "--assigned-to",
      paramLabel = "AGENT",
      description = "Only this agent may claim the task.")
  String assignedTo;

  @Option(names = "--priority", paramLabel = "N", description = "Higher runs first (default 0).")
  Integer priority;

  @Option(
      names = "--delay",
      paramLabel = "DUR",
      description = "Run no earlier than this, e.g. 30s.")
  Duration delay;

  @Option(names = "--max-attempts", paramLabel = "N")
  Integer maxAttempts;

  @Option(names = "--timeout", paramLabel = "DUR", description = "Time limit of one attempt.")
  Duration timeout;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "A second create with the same key returns the first task.")
  String idempotencyKey;

  @Option(
      names = "--depends-on",
      paramLabel = "ID",
      split = ",",
      description = "Run only after these tasks succeeded; repeatable or comma-separated.")
  List<String> dependsOn = new ArrayList<>();

  @Option(
      names = "--wait",
      paramLabel = "DUR",
      arity = "0..1",
      fallbackValue = Cli.FOREVER,
      description =
          "Wait for the task to finish (optionally at most DUR); exit 0 only if it" + " succeeded.")
  Duration wait;

  @Override
  public Integer call() {
    if (batch != null) {
      return createBatch();
    }
    if (type == null) {
      throw new ParameterException(
          spec.commandLine(), "Missing required parameter: 'TYPE' (or --batch FILE|-)");
    }
    NewTask task =
        new NewTask(
            type,
            description,
            Inputs.json("--data", data),
            assignedTo,
            priority,
            delay == null ? null : delay.toMillis(),
            maxAttempts,
            timeout == null ? null : timeout.toMillis(),
            idempotencyKey,
            "cli:" + System.getProperty("user.name", "user"),
            dependsOn.isEmpty() ? null : dependsOn);
    Path home = common.home();
    try (CoorddClient client = common.connect()) {
      Task created = client.createTask(task);
      if (wait != null) {
        return TaskWaitCommand.report(
            spec, common, client.awaitTask(created.id(), wait.toMillis()), wait);
      }
      if (common.json) {
        Output.json(spec.commandLine().getOut(), created);
      } else {
        spec.commandLine().getOut().println(created.id());
      }
      return 0;
    } catch (DaemonNotRunningException e) {
      if (wait != null) {
        // Nothing is written: a retry after starting the daemon must not create a second task.
        spec.commandLine()
            .getErr()
            .println(
                "coordd: no daemon is running on "
                    + home
                    + ", so nothing was created (--wait needs one to run the task): start it with"
                    + " `coordd daemon --detach --home "
                    + home
                    + "` and run this again, or drop --wait to queue the task in the inbox");
        return Cli.EXIT_NO_DAEMON;
      }
      // A type nobody would run is refused now, not rejected from the inbox later.
      OfflineTypeCheck.check(home, type, assignedTo, System.getenv());
      // Queued in the inbox it has no id yet: a key of its own names it until it has one.
      NewTask queued =
          task.idempotencyKey() != null
              ? task
              : task.withIdempotencyKey("cli-" + UUID.randomUUID());
      Path file = InboxDrop.drop(home, queued);
      String key = "key:" + queued.idempotencyKey();
      spec.commandLine()
          .getErr()
          .println(
              "coordd: no daemon is running on "
                  + home
                  + "; the task was written to "
                  + file
                  + " and will be created when one starts"
                  + " (coordd daemon --home "
                  + home
                  + "); it is "
                  + key
                  + " (coordd task show "
                  + key
                  + ")");
      if (common.json) {
        Output.json(spec.commandLine().getOut(), Map.of("inbox", file.toString(), "key", key));
      } else {
        spec.commandLine().getOut().println(key);
      }
      return 0;
    }
  }

  private int createBatch() {
    boolean single =
        type != null
            || description != null
            || data != null
            || assignedTo != null
            || priority != null
            || delay != null
            || maxAttempts != null
            || timeout != null
            || idempotencyKey != null
            || !dependsOn.isEmpty()
            || wait != null;
    if (single) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch takes every task's fields from its line: leave out TYPE and the single-task"
              + " options (--data, --priority, --wait, ...)");
    }
    List<TaskBatchCreate.Line> lines =
        TaskBatchCreate.read(batch, "cli:" + System.getProperty("user.name", "user"));
    try (CoorddClient client = common.connect()) {
      return TaskBatchCreate.create(
          client, lines, common.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    } catch (DaemonNotRunningException e) {
      spec.commandLine()
          .getErr()
          .println(
              "coordd: no daemon is running on "
                  + common.home()
                  + ", so nothing was created (--batch needs one): start it with `coordd daemon"
                  + " --detach --home "
                  + common.home()
                  + "` and run this again");
      return Cli.EXIT_NO_DAEMON;
    }
  }
}
