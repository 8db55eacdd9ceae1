package dev.coordd.daemon.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.TaskStatus;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of changes between daemons: one NOTIFY payload is {@code {"o": origin, "c":
 * [change, ...]}}, each change a short array led by a one-letter kind, packed until the payload
 * nears {@link #MAX_PAYLOAD_BYTES} (PostgreSQL refuses more than 8000 bytes). A change too big to
 * fit (a very long topic or resource name) travels as {@link #LOOK_AGAIN}: "something changed,
 * re-read", which a receiver turns into moving every channel and re-offering claimable work.
 *
 * <p>Which changes cross is decided here ({@link #crosses}). Stateless and thread-safe.
 */
final class PgNotifierCodec {
  /** Room for the envelope below NOTIFY's 8000-byte limit. */
  static final int MAX_PAYLOAD_BYTES = 7_500;

  /** The marker of a change that did not fit, or of changes dropped while the link was down. */
  static final String LOOK_AGAIN = "n";

  /** A received payload: who sent it, and what changed (null entries: look again). */
  record Received(String origin, List<Change> changes, boolean lookAgain) {}

  private PgNotifierCodec() {}

  /**
   * Whether {@code change} is forwarded to the other daemons. Everything committed to the shared
   * store crosses, because a waiter on another daemon may be waiting for it: a claimer (available,
   * capacity freed, queue policy), a caller waiting for a result (finished), a watcher of events or
   * a lock waiter, and the live feeds (changed, agent changed, lock taken, invocation changed:
   * invocations live in the shared store too). Two do not: {@link Change.TimePassed} is each
   * daemon's own clock and round, and {@link Change.Stopping} is one daemon going away, which must
   * not end the waits of daemons that keep running.
   */
  static boolean crosses(Change change) {
    return !(change instanceof Change.TimePassed) && !(change instanceof Change.Stopping);
  }

  /** One change as its wire array. */
  static ArrayNode encode(Change change) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    switch (change) {
      case Change.TaskAvailable t -> a.add("a").add(t.id()).add(t.type()).add(t.assignedTo());
      case Change.TaskFinished f -> a.add("f").add(f.id()).add(f.status().wire());
      case Change.TaskChanged c -> a.add("c").add(c.id()).add(c.status().wire());
      case Change.AgentChanged g -> a.add("g").add(g.name());
      case Change.EventPublished e -> a.add("e").add(e.seq()).add(e.topic());
      case Change.LockFreed l -> a.add("l").add(l.resource());
      case Change.LockTaken t -> a.add("t").add(t.resource()).add(t.agent());
      case Change.InvocationChanged i -> a.add("i").add(i.id()).add(i.taskId()).add(i.status());
      case Change.QueuePolicyChanged q -> a.add("q").add(q.type());
      case Change.CapacityFreed k -> a.add("k").add(k.type());
      case Change.TimePassed t -> throw new IllegalArgumentException("time passing does not cross");
      case Change.Stopping s -> throw new IllegalArgumentException("stopping does not cross");
    }
    return a;
  }

  /**
   * Packs {@code changes} into as few payloads as fit; a change that alone would not fit is sent as
   * {@link #LOOK_AGAIN}, as is {@code lookAgain} (changes were dropped before they could be sent).
   * Each change is written once; payloads are joined as text.
   */
  static List<String> pack(String origin, List<Change> changes, boolean lookAgain) {
    String head = "{\"o\":" + Json.write(origin) + ",\"c\":[";
    String tail = "]}";
    int envelope = utf8Length(head) + tail.length();
    String lookAgainItem = "[\"" + LOOK_AGAIN + "\"]";
    List<String> items = new ArrayList<>(changes.size() + 1);
    if (lookAgain) {
      items.add(lookAgainItem);
    }
    changes.forEach(c -> items.add(Json.write(encode(c))));
    List<String> payloads = new ArrayList<>();
    StringBuilder batch = new StringBuilder(head);
    int size = envelope;
    boolean empty = true;
    for (String item : items) {
      int itemBytes = utf8Length(item) + 1; // and its comma
      if (envelope + itemBytes > MAX_PAYLOAD_BYTES) {
        item = lookAgainItem;
        itemBytes = item.length() + 1;
      }
      if (size + itemBytes > MAX_PAYLOAD_BYTES) {
        payloads.add(batch.append(tail).toString());
        batch = new StringBuilder(head);
        size = envelope;
        empty = true;
      }
      if (!empty) {
        batch.append(',');
      }
      batch.append(item);
      size += itemBytes;
      empty = false;
    }
    if (!empty) {
      payloads.add(batch.append(tail).toString());
    }
    return payloads;
  }

  /** UTF-8 length without encoding (a surrogate pair counts 2 + 2, as UTF-8 writes it in 4). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      n += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
    }
    return n;
  }

  /**
   * Reads a payload. Anyone who can connect to the database can NOTIFY on our channel, so a payload
   * that does not parse is refused with an exception naming what was wrong, and the caller logs and
   * ignores it; an unknown kind (a newer daemon) is read as look-again.
   */
  static Received decode(String payload) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("o").isTextual() || !root.path("c").isArray()) {
      throw new IllegalArgumentException("expected {\"o\": origin, \"c\": [changes]}");
    }
    List<Change> out = new ArrayList<>();
    boolean lookAgain = false;
    for (JsonNode item : root.get("c")) {
      Change c = decodeOne(item);
      if (c == null) {
        lookAgain = true;
      } else {
        out.add(c);
      }
    }
    return new Received(root.get("o").asText(), out, lookAgain);
  }

  private static Change decodeOne(JsonNode a) {
    if (!a.isArray() || a.isEmpty()) {
      throw new IllegalArgumentException("a change must be a non-empty array, got " + a);
    }
    return switch (a.get(0).asText()) {
      case "a" -> new Change.TaskAvailable(text(a, 1), text(a, 2), text(a, 3));
      case "f" -> new Change.TaskFinished(text(a, 1), TaskStatus.parse(text(a, 2)));
      case "c" -> new Change.TaskChanged(text(a, 1), TaskStatus.parse(text(a, 2)));
      case "g" -> new Change.AgentChanged(text(a, 1));
      case "e" -> new Change.EventPublished(a.path(1).asLong(), text(a, 2));
      case "l" -> new Change.LockFreed(text(a, 1));
      case "t" -> new Change.LockTaken(text(a, 1), text(a, 2));
      case "i" -> new Change.InvocationChanged(text(a, 1), text(a, 2), text(a, 3));
      case "q" -> new Change.QueuePolicyChanged(text(a, 1));
      case "k" -> new Change.CapacityFreed(text(a, 1));
      default -> null; // look again, or a kind a newer daemon sends
    };
  }

  private static String text(JsonNode a, int i) {
    JsonNode n = a.path(i);
    return n.isNull() || n.isMissingNode() ? null : n.asText();
  }
}
