package dev.coordd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Agent;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.cli.console.Tables;
import dev.coordd.daemon.config.Durations;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How tasks and agents look to a person (tables, key: value) and to a script (JSON). */
public final class Output {
  private Output() {}

  public static void json(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  public static void taskTable(PrintWriter out, List<Task> tasks) {
    if (tasks.isEmpty()) {
      out.println("no tasks");
      return;
    }
    long now = System.currentTimeMillis();
    List<List<String>> rows = new ArrayList<>();
    for (Task t : tasks) {
      rows.add(
          List.of(
              t.id(),
              t.type(),
              t.status().wire(),
              Integer.toString(t.priority()),
              orDash(t.assignedTo()),
              t.attempts() + "/" + t.maxAttempts(),
              Tables.ago(t.createdAt(), now)));
    }
    out.print(
        Tables.render(
            List.of("ID", "TYPE", "STATUS", "PRI", "ASSIGNED", "ATTEMPTS", "CREATED"), rows));
    out.flush();
  }

  public static void task(PrintWriter out, Task t) {
    line(out, "id", t.id());
    line(out, "type", t.type());
    line(out, "status", t.status().wire());
    if (!t.description().isEmpty()) {
      line(out, "description", t.description());
    }
    line(out, "priority", Integer.toString(t.priority()));
    line(out, "assignedTo", orDash(t.assignedTo()));
    line(out, "createdBy", orDash(t.createdBy()));
    line(out, "attempts", t.attempts() + " of " + t.maxAttempts());
    line(out, "created", time(t.createdAt()));
    if (t.runAt() > t.createdAt()) {
      line(out, "runAt", time(t.runAt()));
    }
    if (t.startedAt() != null) {
      line(out, "started", time(t.startedAt()));
    }
    if (t.finishedAt() != null) {
      line(out, "finished", time(t.finishedAt()));
    }
    if (t.leaseOwner() != null) {
      line(out, "lease", t.leaseOwner() + " until " + time(t.leaseExpiresAt()));
      line(out, "claim", claim(t, System.currentTimeMillis()));
    }
    line(out, "data", compact(t.data()));
    if (t.result() != null && !t.result().isNull()) {
      line(out, "result", compact(t.result()));
    }
    if (t.error() != null) {
      line(
          out,
          "error",
          "["
              + t.error().kind()
              + "] "
              + t.error().message()
              + " (attempt "
              + t.error().attempt()
              + ")");
    }
    if (t.runs() != null && !t.runs().isEmpty()) {
      out.println("runs:");
      List<List<String>> rows = new ArrayList<>();
      for (TaskRun r : t.runs()) {
        rows.add(
            List.of(
                Integer.toString(r.attempt()),
                orDash(r.worker()),
                r.outcome(),
                r.startedAt() == null ? "-" : (r.finishedAt() - r.startedAt()) + "ms",
                r.error() == null ? "" : "[" + r.error().kind() + "] " + r.error().message()));
      }
      out.print(
          Tables.render(List.of("ATTEMPT", "WORKER", "OUTCOME", "TOOK", "ERROR"), rows).indent(2));
    }
    out.flush();
  }

  public static void agentTable(PrintWriter out, List<Agent> agents) {
    if (agents.isEmpty()) {
      out.println("no agents");
      return;
    }
    long now = System.currentTimeMillis();
    List<List<String>> rows = new ArrayList<>();
    for (Agent a : agents) {
      rows.add(
          List.of(
              a.name(),
              orDash(a.role()),
              a.kind(),
              a.status().wire(),
              Tables.ago(a.lastHeartbeat(), now),
              String.join(",", a.capabilities())));
    }
    out.print(
        Tables.render(
            List.of("NAME", "ROLE", "KIND", "STATUS", "LAST BEAT", "CAPABILITIES"), rows));
    out.flush();
  }

  /**
   * A running attempt as its owner needs it: e.g. {@code lease 45m, expires in 44m12s, token
   * ab12cd34ef} (the token is what {@code task complete --token} wants).
   */
  static String claim(Task t, long now) {
    StringBuilder s = new StringBuilder();
    if (t.leaseMs() != null) {
      s.append("lease ").append(Durations.format(Duration.ofMillis(t.leaseMs()))).append(", ");
    }
    if (t.leaseExpiresAt() != null) {
      long left = t.leaseExpiresAt() - now;
      s.append(
          left > 0
              ? "expires in " + Durations.format(Duration.ofSeconds(Math.ceilDiv(left, 1000)))
              : "expired");
    }
    if (t.claimToken() != null) {
      s.append(", token ").append(t.claimToken());
    }
    return s.toString();
  }

  private static void line(PrintWriter out, String key, String value) {
    out.printf("%-12s %s%n", key + ":", value);
  }

  private static String compact(JsonNode node) {
    return node == null ? "null" : Json.write(node);
  }

  private static String time(Long millis) {
    return millis == null ? "-" : Instant.ofEpochMilli(millis).toString();
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
