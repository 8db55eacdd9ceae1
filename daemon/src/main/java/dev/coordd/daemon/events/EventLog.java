package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Event;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Channel;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.Tx;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The event log: appending an event (validated, stored through the group-commit writer, then
 * announced through the {@link Notifier}), reading forward and backward through a filter, live
 * watching, and the wait every reader shares. Thread-safe.
 */
final class EventLog {
  private static final int PAGE_SLACK = 32;
  private static final int PAGE_MAX = 1_000;
  private static final long MAX_WAIT_MS = Duration.ofDays(3650).toMillis();

  private final Engine engine;
  private final Store store;
  private final Clock clock;
  private final EventStore events;
  private final Notifier notifier;

  EventLog(Engine engine, EventStore events) {
    this.engine = engine;
    this.store = engine.store();
    this.clock = engine.clock();
    this.events = events;
    this.notifier = engine.notifier();
  }

  /**
   * Stores an event (data: a JSON object, or null for {}) and wakes every waiting reader. {@code
   * hasRules} says whether rules will run for its topic, so the row is marked until they did.
   */
  Event append(String topic, JsonNode data, String source, Predicate<String> hasRules) {
    String t = TopicPattern.checkTopic("topic", topic);
    JsonNode d = data == null || data.isNull() ? Json.MAPPER.createObjectNode() : data;
    if (!d.isObject()) {
      throw new InvalidRequestException(
          "data",
          "data must be a JSON object (or null), got " + d.getNodeType().toString().toLowerCase());
    }
    String json = Json.write(d);
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    int limit = engine.config().maxPayloadBytes();
    if (size > limit) {
      throw new InvalidRequestException(
          "data", "data is " + size + " bytes; the limit is " + limit + " (maxPayloadBytes)");
    }
    String src = source == null ? null : Rules.name("source", source);
    long now = clock.millis();
    boolean withRules = hasRules.test(t);
    long seq = store.writer().execute(tx -> events.insert(tx, t, json, src, now, withRules));
    notifier.publish(new Change.EventPublished(seq, t));
    return new Event(seq, t, d, src, now);
  }

  /** See {@link Events#awaitEvents}. */
  List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs) {
    if (patterns == null || patterns.isEmpty()) {
      throw new InvalidRequestException(
          "patterns",
          "patterns: give at least one topic pattern," + " e.g. build.* (or > for every topic)");
    }
    if (patterns.size() > Events.MAX_PATTERNS) {
      throw new InvalidRequestException(
          "patterns",
          "patterns: "
              + patterns.size()
              + " given; the limit is "
              + Events.MAX_PATTERNS
              + " (use wildcards such as build.> instead)");
    }
    List<EventFilter.Sub> subs = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      subs.add(new EventFilter.Sub(TopicPattern.parse("patterns[" + i + "]", patterns.get(i)), 0));
    }
    int n = Rules.range("max", max, 1, Events.MAX_EVENTS);
    long wait = Rules.notNegative("waitMs", waitMs);
    EventFilter filter = EventFilter.of(null, subs);
    long from = afterSeq;
    if (afterSeq < 0) {
      int last = afterSeq < -n ? n : (int) -afterSeq;
      long[] latest = new long[1];
      List<Event> newest =
          store.read(
              tx -> {
                latest[0] = events.latestSeq(tx);
                return scanBack(tx, latest[0], filter, last);
              });
      if (!newest.isEmpty()) {
        return newest;
      }
      from = latest[0];
    }
    long after = from;
    return waitFor(
        wait, () -> store.read(tx -> scan(tx, after, filter, n)), found -> !found.isEmpty());
  }

  /** Up to {@code max} events after {@code after} that pass the filter, oldest first. */
  List<Event> scan(Tx tx, long after, EventFilter filter, int max) throws SQLException {
    List<Event> out = new ArrayList<>();
    long from = after;
    while (true) {
      int page = Math.min(PAGE_MAX, max - out.size() + PAGE_SLACK);
      List<Event> rows = events.after(tx, from, filter.likes(), page);
      for (Event e : rows) {
        if (filter.test(e.seq(), e.topic())) {
          out.add(e);
          if (out.size() == max) {
            return out;
          }
        }
      }
      if (rows.size() < page) {
        return out;
      }
      from = rows.getLast().seq();
    }
  }

  /** The newest {@code max} events up to {@code upto} that pass the filter, oldest first. */
  private List<Event> scanBack(Tx tx, long upto, EventFilter filter, int max) throws SQLException {
    List<Event> out = new ArrayList<>();
    long from = upto;
    while (out.size() < max) {
      int page = Math.min(PAGE_MAX, max - out.size() + PAGE_SLACK);
      List<Event> rows = events.before(tx, from, filter.likes(), page);
      for (Event e : rows) {
        if (filter.test(e.seq(), e.topic())) {
          out.add(e);
          if (out.size() == max) {
            break;
          }
        }
      }
      if (rows.size() < page) {
        break;
      }
      from = rows.getLast().seq() - 1;
    }
    return out.reversed();
  }

  /**
   * Runs {@code check} until it has what the caller wants, the wait is over, the daemon stops or
   * the thread is interrupted; a publish wakes it. It also re-reads every poll interval, for events
   * another process may have written to a shared store.
   */
  <T> T waitFor(long waitMs, Supplier<T> check, Predicate<T> enough) {
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(waitMs, MAX_WAIT_MS));
    long pollMs = Math.max(1, engine.config().pollInterval().toMillis());
    long seen = notifier.generation(Channel.EVENTS); // before the read: a publish after it counts
    T result = check.get();
    while (!enough.test(result)
        && !notifier.stopping()
        && !Thread.currentThread().isInterrupted()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        notifier.await(
            Channel.EVENTS,
            seen,
            Math.min(pollMs, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the caller hung up: answer with what we have
        break;
      }
      if (notifier.stopping()) {
        break; // the store is closing: do not read again
      }
      seen = notifier.generation(Channel.EVENTS);
      result = check.get();
    }
    return result;
  }
}
