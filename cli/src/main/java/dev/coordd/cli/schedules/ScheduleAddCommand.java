package dev.coordd.cli.schedules;

import dev.coordd.api.NewTask;
import dev.coordd.api.Schedule;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.client.CoorddClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coordd schedule add NAME (--cron EXPR | --every DUR) TYPE [task options]}. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Add a schedule: each slot creates one task of TYPE.",
      "Cron has 5 fields (minute hour day-of-month month day-of-week) or a macro such as"
          + " @daily; quote it: --cron '0 9 * * MON-FRI'."
    })
final class ScheduleAddCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Schedule name: letters, digits and . _ - (at most 64).")
  String name;

  @Parameters(index = "1", paramLabel = "TYPE", description = "Type of the tasks it creates.")
  String type;

  @ArgGroup(exclusive = true, multiplicity = "1")
  When when;

  static final class When {
    @Option(
        names = "--cron",
        paramLabel = "EXPR",
        required = true,
        description = "Cron expression, judged in --zone.")
    String cron;

    @Option(
        names = "--every",
        paramLabel = "DUR",
        required = true,
        description = "Interval from now, e.g. 30s, 5m, 1h (at least 1s).")
    Duration every;
  }

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "Time zone of the cron expression, e.g. Europe/Berlin (default UTC).")
  String zone;

  @Option(
      names = "--misfire",
      paramLabel = "POLICY",
      description =
          "Slots missed while no daemon ran: skip (default) or run_once (one task for"
              + " all of them).")
  String misfire;

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
      description = "Only this agent may claim the tasks.")
  String assignedTo;

  @Option(names = "--priority", paramLabel = "N", description = "Higher runs first (default 0).")
  Integer priority;

  @Option(names = "--max-attempts", paramLabel = "N")
  Integer maxAttempts;

  @Option(names = "--timeout", paramLabel = "DUR", description = "Time limit of one attempt.")
  Duration timeout;

  @Override
  public Integer call() {
    NewTask task =
        new NewTask(
            type,
            description,
            Inputs.json("--data", data),
            assignedTo,
            priority,
            null,
            maxAttempts,
            timeout == null ? null : timeout.toMillis(),
            null,
            null,
            null);
    ScheduleSpec request =
        new ScheduleSpec(
            name,
            when.cron,
            when.every == null ? null : when.every.toMillis(),
            zone,
            task,
            misfire);
    try (CoorddClient client = common.connect()) {
      Schedule added = client.addSchedule(request);
      ScheduleCommand.printChange(spec, common, added, "added");
      return 0;
    }
  }
}
