package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Subscription;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Channel;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.EventStore.Candidate;
import dev.coordd.daemon.store.EventStore.ReaderRow;
import dev.coordd.daemon.store.EventStore.SubscriptionRow;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.Tx;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events between agents: publish, subscriptions, inboxes with cursors, live watching, rules that
 * turn events into tasks, and retention.
 *
 * <p><b>Delivery is pull-based.</b> Every event is one row with a sequence number, stored through
 * the group-commit writer before {@link #publish} returns. Nothing is pushed or buffered per
 * reader: an agent's inbox is "events after its cursor that match its subscriptions or its own
 * topic {@code agent.<name>}" (the cursor is stored and moved by {@link #ack}); a live watcher
 * ({@link #awaitEvents}) passes the last seq it saw and gets what came after, paging with {@code
 * max}. A publish wakes every waiting reader through the {@link Notifier}, and each re-reads the
 * store. So a slow or stuck watcher costs the daemon nothing but its own waiting thread: it cannot
 * slow publishers or other readers, and whatever it has not read yet waits in the store (until
 * retention) rather than in a buffer that could fill up.
 *
 * <p>Waits end early when the calling thread is interrupted (a socket client hung up) and when the
 * daemon stops (it publishes {@link Change.Stopping}). Every time in the store is the engine's
 * clock; waits themselves are real time, like every other long wait.
 *
 * <p>Thread-safe.
 */
public final class Events {
  /** Most events one inbox or watch call returns. */
  public static final int MAX_EVENTS = 1_000;

  /** Most patterns one watch call may give. */
  public static final int MAX_PATTERNS = 100;

  /** The {@code assignTo} that means every agent subscribed to the event's topic. */
  public static final String SUBSCRIBERS = "*subscribers";

  private static final Logger log = LoggerFactory.getLogger(Events.class);

  /** Beyond this many topic filters the store returns every row and the matcher decides. */
  private static final int MAX_SQL_FILTERS = 64;

  private static final int PAGE_SLACK = 32;
  private static final int PAGE_MAX = 1_000;
  private static final int PRUNE_BATCH = 5_000;

  /** After a full retention pass, the next one starts no sooner than this (clock time). */
  static final long PRUNE_PAUSE_MS = 10_000;

  /** Rules of events older than this that still have no tasks are run again by the chore. */
  static final long RULES_RETRY_AFTER_MS = 60_000;

  private static final long MAX_WAIT_MS = Duration.ofDays(3650).toMillis();

  /** The engine releases every task waiter when it stops; this one tells us to stop waiting. */
  private record Rule(int index, EventRule rule, TopicPattern pattern, boolean toSubscribers) {}

  private record Sub(TopicPattern pattern, long sinceSeq) {}

  /** What a reader receives: its own topic, and its patterns for events after each one's start. */
  private record Filter(String direct, List<Sub> subs, List<String> likes) {
    static Filter of(String direct, List<Sub> subs) {
      Set<String> likes = new LinkedHashSet<>();
      if (direct != null) {
        likes.add(TopicPattern.likeExactly(direct));
      }
      subs.forEach(s -> likes.add(s.pattern().like()));
      boolean any = likes.contains("%") || likes.size() > MAX_SQL_FILTERS;
      return new Filter(direct, subs, any ? null : List.copyOf(likes));
    }

    boolean test(long seq, String topic) {
      if (direct != null && direct.equals(topic)) {
        return true;
      }
      for (Sub s : subs) {
        if (seq > s.sinceSeq() && s.pattern().matches(topic)) {
          return true;
        }
      }
      return false;
    }
  }

  /** An agent that holds events back from retention: what it receives, after its cursor. */
  private record Reader(long cursor, Filter filter) {}

  private record PruneResult(int deleted, int scanned, long lastCreatedAt, long lastSeq) {}

  private final Engine engine;
  private final Store store;
  private final Clock clock;
  private final EventStore events = new EventStore();
  private final long retentionMs;
  private final List<Rule> rules;
  private final Consumer<NewTask> createTask;
  private final Notifier notifier;

  private final ReentrantLock pruneLock = new ReentrantLock();
  private long nextPruneAt = Long.MIN_VALUE;
  private long pruneFromCreatedAt = Long.MIN_VALUE;
  private long pruneFromSeq = 0;

  /**
   * @param retention events older than this are deleted unless an active subscriber still needs
   *     them; null means the default
   * @param rules topic → task templates from the configuration
   * @param createTask creates a task through the service (so rule tasks are validated like any)
   */
  public Events(
      Engine engine, Duration retention, List<EventRule> rules, Consumer<NewTask> createTask) {
    this.engine = engine;
    this.store = engine.store();
    this.clock = engine.clock();
    this.notifier = engine.notifier();
    this.retentionMs =
        (retention == null ? DaemonConfig.DEFAULT_EVENT_RETENTION : retention).toMillis();
    this.rules = compile(rules == null ? List.of() : rules);
    this.createTask = createTask;
  }

  private static List<Rule> compile(List<EventRule> rules) {
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      EventRule r = rules.get(i);
      TopicPattern p;
      try {
        p = TopicPattern.parse("eventRules[" + i + "].topic", r.pattern());
      } catch (InvalidRequestException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      boolean toSubscribers = r.assignTo().equals(List.of(SUBSCRIBERS));
      out.add(new Rule(i, r, p, toSubscribers));
    }
    return List.copyOf(out);
  }

  // --- publish and rules ---

  /**
   * Stores an event (data: a JSON object, or null for {}), wakes every waiting reader, then runs
   * the rules whose pattern matches its topic. A rule whose task is refused is logged and skipped;
   * the publish still succeeds.
   */
  public Event publish(String topic, JsonNode data, String source) {
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
    boolean withRules = rules.stream().anyMatch(r -> r.pattern().matches(t));
    long seq = store.writer().execute(tx -> events.insert(tx, t, json, src, now, withRules));
    notifier.publish(new Change.EventPublished(seq, t));
    Event event = new Event(seq, t, d, src, now);
    if (withRules && applyRules(event)) {
      // Not waited for: should it be lost, the chore runs the rules again and the keys dedupe.
      store
          .writer()
          .submit(
              tx -> {
                events.rulesDone(tx, seq);
                return null;
              });
    }
    return event;
  }

  /**
   * Creates the tasks of every matching rule for {@code e}. False when the store was unavailable,
   * so the rules must run again later; tasks refused for their content are logged, not retried.
   */
  private boolean applyRules(Event e) {
    List<SubscriptionRow> subscriptions = null;
    boolean done = true;
    for (Rule r : rules) {
      if (!r.pattern().matches(e.topic())) {
        continue;
      }
      List<String> targets;
      if (r.toSubscribers()) {
        if (subscriptions == null) {
          subscriptions = store.read(events::allSubscriptions);
        }
        targets = subscribersOf(subscriptions, e);
        if (targets.isEmpty()) {
          log.debug(
              "event rule {} ('{}'): no subscribers of {} for event {}",
              r.index(),
              r.pattern(),
              e.topic(),
              e.seq());
        }
      } else if (r.rule().assignTo().isEmpty()) {
        targets = Collections.singletonList(null);
      } else {
        targets = r.rule().assignTo();
      }
      for (String agent : targets) {
        try {
          createTask.accept(taskFor(r, e, agent));
        } catch (UnavailableException ex) {
          done = false;
          log.warn(
              "event rule {} ('{}'): could not create its task for event {} yet: {}",
              r.index(),
              r.pattern(),
              e.seq(),
              ex.getMessage());
        } catch (RuntimeException ex) { // the event is committed: a rule must never undo that
          log.warn(
              "event rule {} ('{}' → task type '{}'{}) made no task for event {} on {}: {}",
              r.index(),
              r.pattern(),
              r.rule().task().type(),
              agent == null ? "" : " for " + agent,
              e.seq(),
              e.topic(),
              ex.getMessage());
        }
      }
    }
    return done;
  }

  /** Agents with a subscription that matches the event and existed before it, sorted. */
  private static List<String> subscribersOf(List<SubscriptionRow> subscriptions, Event e) {
    Set<String> agents = new TreeSet<>();
    for (SubscriptionRow s : subscriptions) {
      if (s.sinceSeq() < e.seq()
          && !agents.contains(s.agent())
          && TopicPattern.parse("pattern", s.pattern()).matches(e.topic())) {
        agents.add(s.agent());
      }
    }
    return List.copyOf(agents);
  }

  private static NewTask taskFor(Rule r, Event e, String agent) {
    NewTask template = r.rule().task();
    ObjectNode data =
        template.data() != null && template.data().isObject()
            ? ((ObjectNode) template.data()).deepCopy()
            : Json.MAPPER.createObjectNode();
    ObjectNode ev = data.putObject("event");
    ev.put("seq", e.seq());
    ev.put("topic", e.topic());
    ev.set("data", e.data());
    ev.put("source", e.source());
    String key = "event:" + e.seq() + ":rule:" + r.index() + (agent == null ? "" : ":" + agent);
    NewTask task = template.withData(data).withIdempotencyKey(key);
    if (agent != null) {
      task = task.withAssignedTo(agent);
    }
    if (template.createdBy() == null && e.source() != null) {
      task = task.withCreatedBy(e.source());
    }
    return task;
  }

  // --- subscriptions ---

  /**
   * Subscribes an agent to a pattern (again: no change). The agent gets events published from now
   * on; one that had no cursor gets one at the newest event. Subscribing is a sign of life: the
   * agent is registered (as a plain worker if new) with a heartbeat.
   */
  public Subscription subscribe(String agent, String pattern) {
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
              // to
              // the agent: those were meant for it and must not be skipped. (Pattern events before
              // now
              // stay out: a subscription carries its own starting point.)
              Long firstDirect = events.firstSeq(tx, TopicPattern.directTopic(a));
              events.ensureCursor(
                  tx, a, firstDirect == null ? latest : Math.min(latest, firstDirect - 1));
              return events.subscribe(tx, a, p.text(), latest, now).toSubscription();
            });
  }

  public void unsubscribe(String agent, String pattern) {
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

  // --- reading ---

  /**
   * Live watching: events on any of {@code patterns} after {@code afterSeq}, oldest first, at most
   * {@code max}; when there are none, waits up to {@code waitMs} for a publish. A negative {@code
   * afterSeq} asks for the newest {@code -afterSeq} matching events there are (at once, if any),
   * else waits from the newest event: so {@code -1} is "from now on", with the seq to go on from.
   */
  public List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs) {
    if (patterns == null || patterns.isEmpty()) {
      throw new InvalidRequestException(
          "patterns",
          "patterns: give at least one topic pattern," + " e.g. build.* (or > for every topic)");
    }
    if (patterns.size() > MAX_PATTERNS) {
      throw new InvalidRequestException(
          "patterns",
          "patterns: "
              + patterns.size()
              + " given; the limit is "
              + MAX_PATTERNS
              + " (use wildcards such as build.> instead)");
    }
    List<Sub> subs = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      subs.add(new Sub(TopicPattern.parse("patterns[" + i + "]", patterns.get(i)), 0));
    }
    int n = Rules.range("max", max, 1, MAX_EVENTS);
    long wait = Rules.notNegative("waitMs", waitMs);
    Filter filter = Filter.of(null, subs);
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

  /**
   * An agent's unacknowledged events, oldest first: those after its cursor on its subscriptions and
   * its own topic. An unknown agent gets {@code known = false} at once, never an error.
   */
  public EventInbox inbox(String agent, int max, long waitMs) {
    String a = Rules.name("agent", agent);
    int n = Rules.range("max", max, 1, MAX_EVENTS);
    long wait = Rules.notNegative("waitMs", waitMs);
    return waitFor(
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
    Filter filter = Filter.of(TopicPattern.directTopic(agent), subs(rows));
    List<Event> found = scan(tx, cursor, filter, max);
    return new EventInbox(
        agent, true, cursor, rows.stream().map(SubscriptionRow::pattern).toList(), found);
  }

  /**
   * Acknowledges everything up to {@code seq}: the cursor moves there, never back. A seq beyond the
   * newest event is refused. Acknowledging is a sign of life, like subscribing.
   */
  public long ack(String agent, long seq) {
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

  private static List<Sub> subs(List<SubscriptionRow> rows) {
    List<Sub> out = new ArrayList<>(rows.size());
    for (SubscriptionRow r : rows) {
      out.add(new Sub(TopicPattern.parse("pattern", r.pattern()), r.sinceSeq()));
    }
    return out;
  }

  /** Up to {@code max} events after {@code after} that pass the filter, oldest first. */
  private List<Event> scan(Tx tx, long after, Filter filter, int max) throws SQLException {
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
  private List<Event> scanBack(Tx tx, long upto, Filter filter, int max) throws SQLException {
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
  private <T> T waitFor(long waitMs, Supplier<T> check, Predicate<T> enough) {
    long deadline =
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(waitMs, MAX_WAIT_MS));
    long pollMs = Math.max(1, engine.config().pollInterval().toMillis());
    long seen =
        notifier.generation(Channel.EVENTS); // before the read: a publish after it is not missed
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

  // --- housekeeping ---

  /**
   * Housekeeping chore: deletes events past retention that no active subscriber still needs, and
   * runs the rules of events whose tasks a stopped daemon never made. Cheap: at most one pass per
   * {@value #PRUNE_PAUSE_MS} ms of clock time, each an indexed look at the oldest events, in
   * batches.
   *
   * <p>An event is kept while it is younger than the retention, while it is the newest event (so
   * the sequence never goes back), and while some active subscriber has not acknowledged it and
   * receives it (its topic matches one of the subscriber's patterns, or is its own topic). An
   * active subscriber is an agent with subscriptions that is not offline: one silent longer than
   * {@code offlineAfter}, or signed off, holds nothing back, so it cannot keep events forever.
   */
  public void prune() {
    if (!pruneLock.tryLock()) {
      return; // a pass is running
    }
    try {
      long now = clock.millis();
      if (now < nextPruneAt) {
        return;
      }
      retryPendingRules(now);
      long cutoff = now - retentionMs;
      long aliveAfter = now - engine.config().offlineAfter().toMillis();
      long fromCreatedAt = pruneFromCreatedAt;
      long fromSeq = pruneFromSeq;
      PruneResult r =
          store.writer().execute(tx -> pruneBatch(tx, cutoff, aliveAfter, fromCreatedAt, fromSeq));
      if (r.scanned() == PRUNE_BATCH) {
        pruneFromCreatedAt = r.lastCreatedAt(); // more to look at: go on next round
        pruneFromSeq = r.lastSeq();
      } else {
        pruneFromCreatedAt = Long.MIN_VALUE;
        pruneFromSeq = 0;
        nextPruneAt = now + PRUNE_PAUSE_MS;
      }
      if (r.deleted() > 0) {
        log.debug("retention deleted {} of {} old events", r.deleted(), r.scanned());
      }
    } finally {
      pruneLock.unlock();
    }
  }

  /** One batch, inside the writer, so no ack or subscription changes under the decision. */
  private PruneResult pruneBatch(
      Tx tx, long cutoff, long aliveAfter, long fromCreatedAt, long fromSeq) throws SQLException {
    long latest = events.latestSeq(tx);
    List<Candidate> old =
        events.pruneCandidates(tx, cutoff, fromCreatedAt, fromSeq, latest, PRUNE_BATCH);
    if (old.isEmpty()) {
      return new PruneResult(0, 0, fromCreatedAt, fromSeq);
    }
    List<Reader> readers = readers(events.activeReaders(tx, aliveAfter));
    int deleted = 0;
    for (Candidate c : old) {
      if (!needed(readers, c)) {
        deleted += events.delete(tx, c.seq());
      }
    }
    Candidate last = old.getLast();
    return new PruneResult(deleted, old.size(), last.createdAt(), last.seq());
  }

  private static List<Reader> readers(List<ReaderRow> rows) {
    Map<String, List<ReaderRow>> byAgent = new LinkedHashMap<>();
    rows.forEach(r -> byAgent.computeIfAbsent(r.agent(), k -> new ArrayList<>()).add(r));
    List<Reader> out = new ArrayList<>();
    byAgent.forEach(
        (agent, list) -> {
          List<Sub> subs = new ArrayList<>();
          list.forEach(
              r -> subs.add(new Sub(TopicPattern.parse("pattern", r.pattern()), r.sinceSeq())));
          out.add(
              new Reader(list.get(0).cursor(), Filter.of(TopicPattern.directTopic(agent), subs)));
        });
    return out;
  }

  private static boolean needed(List<Reader> readers, Candidate c) {
    for (Reader r : readers) {
      if (c.seq() > r.cursor() && r.filter().test(c.seq(), c.topic())) {
        return true;
      }
    }
    return false;
  }

  /** Rules of events a previous run stored but did not finish (it stopped in between). */
  private void retryPendingRules(long now) {
    if (rules.isEmpty()) {
      return; // no rules (any more): nothing to make; retention deletes such events in time
    }
    List<Event> pending =
        store.read(tx -> events.rulesPending(tx, now - RULES_RETRY_AFTER_MS, 100));
    for (Event e : pending) {
      if (applyRules(e)) {
        store
            .writer()
            .execute(
                tx -> {
                  events.rulesDone(tx, e.seq());
                  return null;
                });
      }
    }
  }
}
