package dev.coordd.cli.events;

import dev.coordd.api.Event;
import dev.coordd.api.Subscription;
import dev.coordd.cli.Common;
import dev.coordd.cli.Inputs;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coordd event publish|watch|subscribe|unsubscribe|send}: events between agents. Topics are
 * dot-separated ({@code build.done}); patterns may use {@code *} for one segment and a final {@code
 * >} for one or more.
 */
@Command(
    name = "event",
    mixinStandardHelpOptions = true,
    description = {
      "Events between agents: publish, watch live, subscribe an agent's inbox, send"
          + " a direct message.",
      "Topics are dot-separated segments (build.done); patterns may use * for exactly one"
          + " segment and a final > for one or more (build.*, repo.>)."
    },
    subcommands = {
      EventCommand.Publish.class,
      EventCommand.Watch.class,
      EventCommand.Subscribe.class,
      EventCommand.Unsubscribe.class,
      EventCommand.Send.class
    })
public final class EventCommand {
  /** How long one watch call waits on the daemon before asking again. */
  static final long WATCH_POLL_MS = 30_000;

  /** Most events one watch call asks for. */
  static final int WATCH_PAGE = 500;

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description =
          "Publish an event on TOPIC to every watcher and subscriber; prints its"
              + " sequence number.")
  static final class Publish implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "e.g. build.done")
    String topic;

    @Option(
        names = "--data",
        paramLabel = "JSON|@FILE",
        description = "A JSON object: inline, @file, or @- for stdin (default {}).")
    String data;

    @Option(names = "--source", paramLabel = "NAME", description = "Who publishes it.")
    String source;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        printPublished(spec, common, client.publish(topic, Inputs.json("--data", data), source));
        return 0;
      }
    }
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Send a direct message: an event on agent.TO, which reaches TO's inbox"
              + " without any subscription. Prints its sequence number.")
  static final class Send implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "NAME", description = "The sender.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "NAME", description = "The receiver.")
    String to;

    @Option(
        names = "--data",
        paramLabel = "JSON|@FILE",
        description = "A JSON object: inline, @file, or @- for stdin (default {}).")
    String data;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        printPublished(
            spec, common, client.publish("agent." + to, Inputs.json("--data", data), from));
        return 0;
      }
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = {
        "Print events on the given topic patterns as they are published, one line"
            + " each: SEQ TOPIC SOURCE DATA (or one JSON object per line with --json).",
        "Runs until Ctrl-C, or until --count events. Starts from now unless --after or --last"
            + " says otherwise; the daemon keeps no buffer for a watcher, so a slow one misses"
            + " nothing that is still kept."
      })
  static final class Watch implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(
        arity = "1..*",
        paramLabel = "PATTERN",
        description = "Topic patterns, e.g. build.* or > for everything.")
    List<String> patterns;

    @Option(
        names = "--after",
        paramLabel = "SEQ",
        description = "Start after this sequence number (0: every event still kept).")
    Long after;

    @Option(
        names = "--last",
        paramLabel = "N",
        description = "Start with the newest N matching events.")
    Integer last;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    Integer count;

    @Override
    public Integer call() {
      check();
      PrintWriter out = spec.commandLine().getOut();
      try (CoorddClient client = common.connect()) {
        long position;
        int shown = 0;
        if (after != null) {
          position = after;
        } else {
          position = newestSeq(client); // first, so nothing falls between this and the loop
          if (last != null) {
            int n = count == null ? last : Math.min(last, count);
            for (Event e : client.awaitEvents(patterns, -n, Math.min(n, 1000), 0)) {
              print(out, e);
              position = Math.max(position, e.seq());
              shown++;
            }
          }
        }
        while (count == null || shown < count) {
          int max = count == null ? WATCH_PAGE : Math.min(WATCH_PAGE, count - shown);
          for (Event e : client.awaitEvents(patterns, position, max, WATCH_POLL_MS)) {
            print(out, e);
            position = e.seq();
            shown++;
          }
          if (Thread.currentThread().isInterrupted()) {
            break;
          }
        }
        return 0;
      }
    }

    private void check() {
      if (after != null && last != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--after and --last exclude each other: give one");
      }
      if (after != null && after < 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--after must be a sequence number, 0 or more");
      }
      if (last != null && (last < 1 || last > 1000)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--last must be from 1 to 1000");
      }
      if (count != null && count < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--count must be 1 or more");
      }
    }

    /** The newest sequence number there is, 0 when none: asking for the newest event of all. */
    private static long newestSeq(CoorddClient client) {
      List<Event> newest = client.awaitEvents(List.of(">"), -1, 1, 0);
      return newest.isEmpty() ? 0 : newest.getLast().seq();
    }

    private void print(PrintWriter out, Event e) {
      if (common.json) {
        out.println(Json.write(e));
      } else {
        out.println(line(e));
      }
      out.flush();
    }
  }

  @Command(
      name = "subscribe",
      mixinStandardHelpOptions = true,
      description =
          "Subscribe AGENT to PATTERN: events on it from now on wait in the agent's"
              + " inbox (coordd inbox --agent AGENT) until it acknowledges them.")
  static final class Subscribe implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Parameters(index = "1", paramLabel = "PATTERN", description = "e.g. build.* or repo.>")
    String pattern;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        Subscription s = client.subscribe(agent, pattern);
        if (common.json) {
          Output.json(spec.commandLine().getOut(), s);
        } else {
          spec.commandLine()
              .getOut()
              .println(
                  s.agent()
                      + " is subscribed to "
                      + s.pattern()
                      + "; read with: coordd inbox --agent "
                      + s.agent());
        }
        return 0;
      }
    }
  }

  @Command(
      name = "unsubscribe",
      mixinStandardHelpOptions = true,
      description = "Remove AGENT's subscription to PATTERN (exactly as it was given).")
  static final class Unsubscribe implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Parameters(index = "1", paramLabel = "PATTERN")
    String pattern;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        client.unsubscribe(agent, pattern);
        if (common.json) {
          Output.json(
              spec.commandLine().getOut(),
              Map.of("agent", agent, "pattern", pattern, "unsubscribed", true));
        } else {
          spec.commandLine().getOut().println(agent + " is no longer subscribed to " + pattern);
        }
        return 0;
      }
    }
  }

  /** One event as a line: SEQ TOPIC SOURCE DATA, the data as compact JSON. */
  static String line(Event e) {
    return e.seq()
        + " "
        + e.topic()
        + " "
        + (e.source() == null ? "-" : e.source())
        + " "
        + (e.data() == null ? "{}" : Json.write(e.data()));
  }

  private static void printPublished(CommandSpec spec, Common common, Event e) {
    if (common.json) {
      Output.json(spec.commandLine().getOut(), e);
    } else {
      spec.commandLine().getOut().println(e.seq());
    }
  }
}
