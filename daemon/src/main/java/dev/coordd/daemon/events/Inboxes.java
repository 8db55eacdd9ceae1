package dev.coordd.daemon.events;

import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Subscription;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.EventStore.SubscriptionRow;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * Subscriptions and the inboxes they make: an agent's inbox is the events after its stored cursor
 * on its subscriptions and its own topic; {@link #ack} moves the cursor. Subscribing and
 * acknowledging are signs of life. Thread-safe.
 */
final class Inboxes {
  private final Engine engine;
  private final Store store;
  private final Clock clock;
  private final EventStore events;
  private final EventLog log;

  Inboxes(Engine engine, EventStore events, EventLog log) {
    this.engine = engine;
    this.store = engine.store();
    this.clock = engine.clock();
    this.events = events;
    this.log = log;
  }

  /** See {@link Events#subscribe}. */
  Subscription subscribe(String agent, String pattern) {
    String a = Rules.name("agent", agent);
    TopicPattern p = TopicPattern.parse("pattern", pattern);
    long now = clock.millis();
    String newId = engine.ids().next();
    return store
        .writer()
        .execute(
            tx -> {
              engine.agents().touch(tx, newId, a, now);
              long latest = events.latestSeq(tx);
              // A new cursor starts at the newest event, but before any direct message already sent
              // to the agent: those were meant for it and must not be skipped. (Pattern events
              // before now stay out: a subscription carries its own starting point.)
              Long firstDirect = events.firstSeq(tx, TopicPattern.directTopic(a));
              events.ensureCursor(
                  tx, a, firstDirect == null ? latest : Math.min(latest, firstDirect - 1));
              return events.subscribe(tx, a, p.text(), latest, now).toSubscription();
            });
  }

  void unsubscribe(String agent, String pattern) {
    String a = Rules.name("agent", agent);
    TopicPattern p = TopicPattern.parse("pattern", pattern);
    store
        .writer()
        .execute(
            tx -> {
              if (!events.unsubscribe(tx, a, p.text())) {
                throw new NotFoundException(
                    "agent "
                        + a
                        + " has no subscription to '"
                        + p.text()
                        + "'; see its subscriptions with coordd inbox --agent "
                        + a
                        + " --json");
              }
              return null;
            });
  }

  /** See {@link Events#inbox}. */
  EventInbox inbox(String agent, int max, long waitMs) {
    String a = Rules.name("agent", agent);
    int n = Rules.range("max", max, 1, Events.MAX_EVENTS);
    long wait = Rules.notNegative("waitMs", waitMs);
    return log.waitFor(
        wait,
        () -> store.read(tx -> readInbox(tx, a, n)),
        box -> !box.known() || !box.events().isEmpty());
  }

  private EventInbox readInbox(Tx tx, String agent, int max) throws SQLException {
    if (!events.known(tx, agent)) {
      return new EventInbox(agent, false, 0, List.of(), List.of());
    }
    Long stored = events.cursor(tx, agent);
    long cursor = stored == null ? 0 : stored;
    List<SubscriptionRow> rows = events.subscriptionsOf(tx, agent);
    List<Event> found = log.scan(tx, cursor, EventFilter.ofAgent(agent, rows), max);
    return new EventInbox(
        agent, true, cursor, rows.stream().map(SubscriptionRow::pattern).toList(), found);
  }

  /** See {@link Events#ack}. */
  long ack(String agent, long seq) {
    String a = Rules.name("agent", agent);
    Rules.notNegative("seq", seq);
    long now = clock.millis();
    String newId = engine.ids().next();
    return store
        .writer()
        .execute(
            tx -> {
              long latest = events.latestSeq(tx);
              if (seq > latest) {
                throw new InvalidRequestException(
                    "seq",
                    "seq "
                        + seq
                        + " is beyond the newest event ("
                        + latest
                        + "); acknowledge only events you have been given");
              }
              engine.agents().touch(tx, newId, a, now);
              return events.ack(tx, a, seq);
            });
  }
}
