package dev.coordd.cli.schedules;

import dev.coordd.api.Schedule;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.cli.console.Tables;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.config.Durations;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coordd schedule …}: cron and interval schedules, each slot creating one task. With no
 * subcommand it lists them.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description =
        "Cron and interval schedules; each slot creates one task (same as" + " 'schedule list').",
    subcommands = {
      ScheduleAddCommand.class,
      ScheduleCommand.ListCommand.class,
      ScheduleCommand.RemoveCommand.class,
      ScheduleCommand.PauseCommand.class,
      ScheduleCommand.ResumeCommand.class
    })
public final class ScheduleCommand implements Callable<Integer> {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmXXX");
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  @Mixin Common common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return list(spec, common);
  }

  static int list(CommandSpec spec, Common common) {
    try (CoorddClient client = common.connect()) {
      List<Schedule> all = client.listSchedules();
      PrintWriter out = spec.commandLine().getOut();
      if (common.json) {
        Output.json(out, all);
        return 0;
      }
      if (all.isEmpty()) {
        out.println(
            "no schedules; add one with: coordd schedule add NAME --cron '0 9 * * MON-FRI'"
                + " TYPE");
        out.flush();
        return 0;
      }
      long now = System.currentTimeMillis();
      List<List<String>> rows = new ArrayList<>();
      for (Schedule s : all) {
        rows.add(
            List.of(
                s.name(),
                when(s),
                s.zone(),
                s.task() == null ? "-" : s.task().type(),
                nextRun(s, now),
                s.lastRunAt() == null ? "never" : Tables.ago(s.lastRunAt(), now),
                s.paused() ? "paused" : "active"));
      }
      out.print(
          Tables.render(
              List.of("NAME", "WHEN", "ZONE", "TYPE", "NEXT RUN", "LAST", "STATE"), rows));
      out.flush();
      return 0;
    }
  }

  /** The cron expression, or {@code every 5m}. */
  static String when(Schedule s) {
    return s.cron() != null
        ? s.cron()
        : "every " + Durations.format(Duration.ofMillis(s.everyMs()));
  }

  /** The next run on the schedule's own wall clock, ISO-8601 with its offset, and how soon. */
  static String nextRun(Schedule s, long now) {
    if (s.nextRunAt() == null) {
      return "-";
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(s.zone());
    } catch (DateTimeException e) {
      zone = ZoneId.of("UTC");
    }
    // Cron slots are whole minutes; an interval's may fall on any second.
    DateTimeFormatter format = s.nextRunAt() % 60_000 == 0 ? MINUTES : SECONDS;
    return format.format(Instant.ofEpochMilli(s.nextRunAt()).atZone(zone))
        + " ("
        + Tables.ago(s.nextRunAt(), now)
        + ")";
  }

  /** After a change: one line for people, the schedule for scripts. */
  static void printChange(CommandSpec spec, Common common, Schedule s, String what) {
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Output.json(out, s);
      return;
    }
    String next = s.paused() ? "paused" : "next run " + nextRun(s, System.currentTimeMillis());
    out.println("schedule " + s.name() + " " + what + "; " + next);
    out.flush();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List schedules with their next and last runs.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return list(spec, common);
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a schedule; tasks it already created stay.")
  static final class RemoveCommand implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        client.removeSchedule(name);
      }
      if (common.json) {
        Output.json(spec.commandLine().getOut(), Map.of("removed", name));
      } else {
        spec.commandLine().getOut().println("schedule " + name + " removed");
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop a schedule from firing until it is resumed.")
  static final class PauseCommand implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        printChange(spec, common, client.pauseSchedule(name), "paused");
      }
      return 0;
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description =
          "Let a paused schedule fire again from its next slot (missed slots are not"
              + " made up).")
  static final class ResumeCommand implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        printChange(spec, common, client.resumeSchedule(name), "resumed");
      }
      return 0;
    }
  }
}
