package dev.coordd.cli.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.cli.Cli;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.client.CoorddClient;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coordd inbox --agent NAME}: what an agent missed — events on its subscriptions and its
 * direct messages after its cursor, oldest first. {@code --ack} acknowledges what was shown, so the
 * next look starts after it.
 */
@Command(
    name = "inbox",
    mixinStandardHelpOptions = true,
    description = {
      "An agent's unacknowledged events, oldest first: those on its subscriptions"
          + " and its direct messages (topic agent.NAME), one line each: SEQ TOPIC SOURCE DATA.",
      "With --ack, what was shown is acknowledged and not shown again."
    })
public final class InboxCommand implements Callable<Integer> {
  @Mixin Common common;
  @Spec CommandSpec spec;

  @Option(names = "--agent", required = true, paramLabel = "NAME")
  String agent;

  @Option(
      names = "--max",
      paramLabel = "N",
      defaultValue = "100",
      description = "Show at most N events (1-1000, default 100).")
  int max;

  @Option(
      names = "--wait",
      paramLabel = "DUR",
      defaultValue = "0s",
      description =
          "When there is nothing, wait this long for an event (default: answer at" + " once).")
  Duration wait;

  @Option(names = "--ack", description = "Acknowledge the events shown.")
  boolean ack;

  @Override
  public Integer call() {
    if (max < 1 || max > 1000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max must be from 1 to 1000");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (CoorddClient client = common.connect()) {
      EventInbox box = client.inbox(agent, max, wait.toMillis());
      if (!box.known()) {
        if (common.json) {
          Output.json(out, box);
        } else {
          PrintWriter err = spec.commandLine().getErr();
          err.println(
              "coordd: no agent named "
                  + agent
                  + " is known (it never registered,"
                  + " subscribed or acknowledged events); subscribe it with: coordd event subscribe "
                  + agent
                  + " PATTERN");
          err.flush();
        }
        return Cli.EXIT_FAILED;
      }
      Long acked = null;
      if (ack && !box.events().isEmpty()) {
        acked = client.ackEvents(agent, box.events().getLast().seq());
      }
      if (common.json) {
        ObjectNode node = Json.MAPPER.valueToTree(box);
        if (acked != null) {
          node.put("acknowledged", acked);
        }
        Output.json(out, node);
        return 0;
      }
      String subscriptions =
          box.patterns().isEmpty()
              ? "no subscriptions"
              : "subscribed to " + String.join(", ", box.patterns());
      if (box.events().isEmpty()) {
        out.println(
            "no unacknowledged events for "
                + agent
                + " ("
                + subscriptions
                + "; direct messages on agent."
                + agent
                + ")");
      } else {
        for (Event e : box.events()) {
          out.println(EventCommand.line(e));
        }
        if (box.events().size() == max) {
          out.println("(showing the first " + max + "; there may be more)");
        }
        if (acked != null) {
          out.println("acknowledged up to " + acked);
        }
      }
      out.flush();
      return 0;
    }
  }
}
