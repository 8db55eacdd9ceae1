package dev.coordd.cli.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Agent;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoorddException;
import dev.coordd.api.DaemonNotRunningException;
import dev.coordd.api.Invocation;
import dev.coordd.cli.Shell;
import dev.coordd.cli.check.ClusterInvocations;
import dev.coordd.client.CoorddClient;
import dev.coordd.internal.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Registers the session as an agent with the daemon and gathers the work waiting for it; when no
 * daemon answers in time, says so and falls back to the invocation files.
 *
 * @param capabilities the task types to register; empty keeps what the agent registered before
 * @param err where diagnostics go (the hook's stdout is reserved for its JSON)
 */
record SessionCheckIn(
    Path home,
    String agent,
    String kind,
    List<String> capabilities,
    Duration timeout,
    PrintWriter err) {

  /** Everything the context needs, from the daemon when one answers, else from the files. */
  Report gather(HookInput in) {
    CompletableFuture<Report> fromDaemon =
        CompletableFuture.supplyAsync(
            () -> fromDaemon(in), command -> Thread.ofVirtual().start(command));
    try {
      return fromDaemon.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fromDaemon.cancel(true);
      err.println("coordd: the daemon did not answer within " + timeout.toMillis() + "ms");
      Report r =
          offline(
              "the coordd daemon on "
                  + home
                  + " did not answer within "
                  + timeout.toSeconds()
                  + "s; this session was not registered");
      r.invocations.addAll(PendingInvocationFiles.read(home, err));
      return r;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private Report fromDaemon(HookInput in) {
    Report report = new Report();
    try (CoorddClient client = CoorddClient.connect(home)) {
      register(client, in);
      try {
        client.listInvocations().stream()
            .filter(i -> i.status() == null || Invocation.PENDING.equals(i.status()))
            .forEach(report.invocations::add);
      } catch (CoorddException e) {
        // an older daemon, or one whose invocation queue is unreadable: the files still are
        err.println(
            "coordd: listInvocations failed ("
                + e.getMessage()
                + "); reading the invocation files instead");
        report.invocations.addAll(PendingInvocationFiles.read(home, err));
      }
      WaitingWork.gather(client, agent, HookSession.roleOf(agent), report);
      return report;
    } catch (DaemonNotRunningException e) {
      err.println("coordd: " + e.getMessage());
      Report r =
          offline(
              "no coordd daemon is running on "
                  + home
                  + ", so this session was not registered (start one: coordd daemon --home "
                  + Shell.quote(home.toString())
                  + ")");
      r.invocations.addAll(PendingInvocationFiles.read(home, err));
      return r;
    }
  }

  /** An offline report; in a cluster home it also says where the invocations are. */
  private Report offline(String why) {
    return Report.offline(
        ClusterInvocations.inDatabase(home)
            ? why + "; " + PendingInvocationFiles.CLUSTER_NOTE
            : why);
  }

  /** Registers or refreshes the agent; a refresh keeps capabilities and unrelated metadata. */
  private void register(CoorddClient client, HookInput in) {
    Agent existing = null;
    for (Agent a : client.listAgents()) {
      if (a.name().equals(agent)) {
        existing = a;
      }
    }
    List<String> caps =
        !capabilities.isEmpty()
            ? capabilities
            : existing != null && existing.capabilities() != null
                ? existing.capabilities()
                : List.of();
    ObjectNode metadata =
        existing != null && existing.metadata() instanceof ObjectNode m
            ? m.deepCopy()
            : Json.MAPPER.createObjectNode();
    putOrRemove(metadata, "sessionId", in.sessionId());
    putOrRemove(metadata, "cwd", in.cwd());
    putOrRemove(metadata, "source", in.source());
    client.registerAgent(new AgentRegistration(agent, kind, caps, metadata));
  }

  private static void putOrRemove(ObjectNode node, String field, String value) {
    if (value == null) {
      node.remove(field);
    } else {
      node.put(field, value);
    }
  }
}
