package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.Event;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.EventStore.SubscriptionRow;
import dev.coordd.daemon.store.Store;
import dev.coordd.internal.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured {@link EventRule}s at work: turns a stored event into the tasks of every rule
 * whose pattern matches its topic, then marks the event done. Tasks are created through the
 * service, so they are checked like any other, and carry an idempotency key per event, rule and
 * agent, so running the rules again (after a crash, by {@link #retryPending}) makes no duplicate.
 * Thread-safe.
 */
final class RuleRunner {
  /** Rules of events older than this that still have no tasks are run again by the chore. */
  static final long RETRY_AFTER_MS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(RuleRunner.class);

  private record Rule(int index, EventRule rule, TopicPattern pattern, boolean toSubscribers) {}

  private final Store store;
  private final EventStore events;
  private final List<Rule> rules;
  private final Consumer<NewTask> createTask;

  RuleRunner(Store store, EventStore events, List<EventRule> rules, Consumer<NewTask> createTask) {
    this.store = store;
    this.events = events;
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
      boolean toSubscribers = r.assignTo().equals(List.of(Events.SUBSCRIBERS));
      out.add(new Rule(i, r, p, toSubscribers));
    }
    return List.copyOf(out);
  }

  /** Whether any rule reacts to {@code topic}. */
  boolean matches(String topic) {
    return rules.stream().anyMatch(r -> r.pattern().matches(topic));
  }

  /**
   * Runs the rules for a just-published event; once they have, marks it so without waiting: should
   * the mark be lost, {@link #retryPending} runs the rules again and the keys dedupe.
   */
  void run(Event e) {
    if (apply(e)) {
      store
          .writer()
          .submit(
              tx -> {
                events.rulesDone(tx, e.seq());
                return null;
              });
    }
  }

  /** Rules of events a previous run stored but did not finish (it stopped in between). */
  void retryPending(long now) {
    if (rules.isEmpty()) {
      return; // no rules (any more): nothing to make; retention deletes such events in time
    }
    List<Event> pending = store.read(tx -> events.rulesPending(tx, now - RETRY_AFTER_MS, 100));
    for (Event e : pending) {
      if (apply(e)) {
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

  /**
   * Creates the tasks of every matching rule for {@code e}. False when the store was unavailable,
   * so the rules must run again later; tasks refused for their content are logged, not retried.
   */
  private boolean apply(Event e) {
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
}
