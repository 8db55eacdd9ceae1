package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.NewTask;
import dev.coordd.api.Subscription;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.EventStore;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Events between agents, as the service sees them: publish, subscriptions, inboxes with cursors,
 * live watching, rules that turn events into tasks, and retention. The work is done by the {@link
 * EventLog}, {@link Inboxes}, {@link RuleRunner} and {@link Retention}; this class wires them.
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

  private final EventLog log;
  private final Inboxes inboxes;
  private final RuleRunner rules;
  private final Retention retention;

  /**
   * @param retention events older than this are deleted unless an active subscriber still needs
   *     them; null means the default
   * @param rules topic → task templates from the configuration
   * @param createTask creates a task through the service (so rule tasks are validated like any)
   */
  public Events(
      Engine engine, Duration retention, List<EventRule> rules, Consumer<NewTask> createTask) {
    EventStore events = new EventStore();
    this.log = new EventLog(engine, events);
    this.inboxes = new Inboxes(engine, events, log);
    this.rules = new RuleRunner(engine.store(), events, rules, createTask);
    this.retention = new Retention(engine, events, this.rules, retention);
  }

  /**
   * Stores an event (data: a JSON object, or null for {}), wakes every waiting reader, then runs
   * the rules whose pattern matches its topic. A rule whose task is refused is logged and skipped;
   * the publish still succeeds.
   */
  public Event publish(String topic, JsonNode data, String source) {
    Event event = log.append(topic, data, source, rules::matches);
    if (rules.matches(event.topic())) {
      rules.run(event);
    }
    return event;
  }

  /**
   * Subscribes an agent to a pattern (again: no change). The agent gets events published from now
   * on; one that had no cursor gets one at the newest event. Subscribing is a sign of life: the
   * agent is registered (as a plain worker if new) with a heartbeat.
   */
  public Subscription subscribe(String agent, String pattern) {
    return inboxes.subscribe(agent, pattern);
  }

  public void unsubscribe(String agent, String pattern) {
    inboxes.unsubscribe(agent, pattern);
  }

  /**
   * Live watching: events on any of {@code patterns} after {@code afterSeq}, oldest first, at most
   * {@code max}; when there are none, waits up to {@code waitMs} for a publish. A negative {@code
   * afterSeq} asks for the newest {@code -afterSeq} matching events there are (at once, if any),
   * else waits from the newest event: so {@code -1} is "from now on", with the seq to go on from.
   */
  public List<Event> awaitEvents(List<String> patterns, long afterSeq, int max, long waitMs) {
    return log.awaitEvents(patterns, afterSeq, max, waitMs);
  }

  /**
   * An agent's unacknowledged events, oldest first: those after its cursor on its subscriptions and
   * its own topic. An unknown agent gets {@code known = false} at once, never an error.
   */
  public EventInbox inbox(String agent, int max, long waitMs) {
    return inboxes.inbox(agent, max, waitMs);
  }

  /**
   * Acknowledges everything up to {@code seq}: the cursor moves there, never back. A seq beyond the
   * newest event is refused. Acknowledging is a sign of life, like subscribing.
   */
  public long ack(String agent, long seq) {
    return inboxes.ack(agent, seq);
  }

  /**
   * Housekeeping chore: retention, and rules a stopped daemon left unrun (see {@link Retention}).
   */
  public void prune() {
    retention.prune();
  }
}
