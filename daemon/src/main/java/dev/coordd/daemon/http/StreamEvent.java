package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.notify.Change;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;

/**
 * One change as a Server-Sent Event: {@code id} is {@code <stream>-<n>} (the stream is this run of
 * the door, so an id from before a restart is told apart and answered with a reset), {@code event}
 * what kind of thing changed (task, agent, event, lock, invocation, queue), {@code data} the change
 * itself, never the state: the page re-reads what it shows.
 */
record StreamEvent(long n, String id, String event, String data) {
  /** The event for a change, or null for changes a viewer has no use for (clock ticks). */
  static StreamEvent of(String stream, long n, Change change) {
    String event =
        switch (change) {
          case Change.TaskAvailable c -> "task";
          case Change.TaskFinished c -> "task";
          case Change.TaskChanged c -> "task";
          case Change.AgentChanged c -> "agent";
          case Change.EventPublished c -> "event";
          case Change.LockFreed c -> "lock";
          case Change.LockTaken c -> "lock";
          case Change.InvocationChanged c -> "invocation";
          case Change.QueuePolicyChanged c -> "queue";
          case Change.Stopping c -> "stopping";
          case Change.CapacityFreed c -> null; // a running task ended: its TaskFinished says so
          case Change.TimePassed c -> null;
        };
    if (event == null) {
      return null;
    }
    ObjectNode data = Json.MAPPER.valueToTree(change);
    data.put("change", change.getClass().getSimpleName());
    return new StreamEvent(n, stream + "-" + n, event, Json.write(data));
  }

  /** The event that tells a client it missed changes: reload the lists, then follow the stream. */
  static StreamEvent reset(String stream, long n, String why) {
    ObjectNode data = Json.MAPPER.createObjectNode().put("reason", why);
    return new StreamEvent(n, stream + "-" + n, "reset", Json.write(data));
  }

  byte[] wire() {
    return ("id: " + id + "\nevent: " + event + "\ndata: " + data + "\n\n")
        .getBytes(StandardCharsets.UTF_8);
  }
}
