package dev.coordd.daemon.engine;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.cluster.Leadership;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.handler.HandlerRegistry;
import dev.coordd.daemon.metrics.Metrics;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Ids;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskLeases;
import dev.coordd.daemon.store.TaskOutcomes;
import dev.coordd.daemon.store.TaskStore;
import dev.coordd.daemon.store.TaskWaits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moving parts around one store, wired once: dispatcher, housekeeper, outcomes, dependencies
 * and barriers, and the {@link Notifier} they tell about changes. The service calls into it; the
 * daemon starts and stops it.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final DaemonConfig config;
  private final Clock clock;
  private final Store store;
  // The task statements come as four classes, one per responsibility, each held and handed out
  // on its own rather than bundled in one object: a part that only parks and ends waits takes a
  // TaskWaits, so its constructor says what it touches, and a call site names the class that
  // holds the operation (engine.taskLeases().claim(...)) without a hop through a holder.
  private final TaskStore tasks;
  private final TaskLeases taskLeases;
  private final TaskOutcomes taskOutcomes;
  private final TaskWaits taskWaits;
  private final AgentStore agents;
  private final Ids ids;
  private final HandlerRegistry handlers;
  private final Notifier notifier;
  private final Outcomes outcomes;
  private final Dispatcher dispatcher;
  private final Housekeeper housekeeper;
  private final Barriers barriers;
  private final Queues queues;
  private final Dependencies dependencies;
  private final Leadership leadership;
  private final Metrics metrics;

  /** The engine of a daemon alone on its store (it always leads). */
  public Engine(
      DaemonConfig config, Clock clock, Store store, HandlerRegistry handlers, Notifier notifier) {
    this(config, clock, store, handlers, notifier, Leadership.ALWAYS, new Metrics());
  }

  /**
   * @param leadership whether this daemon runs the once-per-cluster chores now
   * @param metrics where the engine counts what happens to tasks
   */
  public Engine(
      DaemonConfig config,
      Clock clock,
      Store store,
      HandlerRegistry handlers,
      Notifier notifier,
      Leadership leadership,
      Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.leadership = leadership;
    this.notifier = notifier;
    this.clock = clock;
    this.store = store;
    this.handlers = handlers;
    this.tasks = new TaskStore(store.sql());
    this.taskLeases = new TaskLeases(store.sql());
    this.taskOutcomes = new TaskOutcomes(store.sql());
    this.taskWaits = new TaskWaits(store.sql());
    this.agents =
        new AgentStore(
            store.sql(), config.staleAfter().toMillis(), config.offlineAfter().toMillis());
    this.ids = new Ids(clock);
    Backoff backoff = new Backoff(config.retryBackoffBase(), config.retryBackoffMax());
    this.dependencies = new Dependencies(store, taskWaits, clock, notifier, leadership);
    this.queues = new Queues(store, notifier);
    this.outcomes =
        new Outcomes(
            store, taskOutcomes, taskWaits, backoff, clock, notifier, queues, metrics.tasks());
    dependencies.outcomes(outcomes);
    this.barriers = new Barriers(store, agents, taskWaits, clock);
    barriers.outcomes(outcomes);
    this.dispatcher =
        new Dispatcher(
            config,
            store,
            tasks,
            taskLeases,
            handlers,
            outcomes,
            barriers,
            clock,
            notifier,
            metrics.tasks());
    this.housekeeper =
        new Housekeeper(
            config,
            store,
            taskLeases,
            agents,
            dispatcher,
            outcomes,
            clock,
            notifier,
            leadership,
            metrics.tasks());
    housekeeper.addClusterChore(dependencies::settle);
    housekeeper.addClusterChore(barriers::settle);
  }

  /**
   * Requeues what a previous process of this daemon left running: it died, so those attempts failed
   * with "lease expired" and count like any other.
   */
  public int recover() {
    long now = clock.millis();
    List<Task> orphans = store.read(tx -> taskLeases.runningOf(tx, config.name()));
    for (Task t : orphans) {
      metrics.tasks().leaseExpired(t);
      outcomes.fail(
          t,
          "lease expired: the daemon stopped while the task was running",
          "lease_expired",
          false);
    }
    if (!orphans.isEmpty()) {
      log.info("recovered {} task(s) left running by a previous daemon process", orphans.size());
    }
    return orphans.size();
  }

  /**
   * Runs {@code chore} in every housekeeping round of this daemon, after leases are reaped: work on
   * what only this daemon holds (its home's files, its own handlers).
   */
  public void addChore(Runnable chore) {
    housekeeper.addChore(chore);
  }

  /**
   * Runs {@code chore} in the housekeeping rounds of the cluster's leader only (every round on a
   * daemon alone on its store): work on the shared store that must happen once, not once per daemon
   * (schedules, lock expiry, event retention). The chore must stay a compare-and-set in the store,
   * since two daemons may both lead for a moment (see {@link Leadership}).
   */
  public void addClusterChore(Runnable chore) {
    housekeeper.addClusterChore(chore);
  }

  /** Whether this daemon runs the once-per-cluster chores now. */
  public Leadership leadership() {
    return leadership;
  }

  public void start(CoordinationService service) {
    queues.refreshCapped();
    queues.applyConfigured(config.queueLimits());
    dispatcher.start(service);
    housekeeper.start();
    dependencies.start();
  }

  public void stop(Duration grace) {
    housekeeper.stop();
    dependencies.stop();
    dispatcher.stop(grace);
    // after the graceful stop, so callers waiting for a task see how it left the task
    notifier.close();
  }

  public DaemonConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Store store() {
    return store;
  }

  /** Creating and reading tasks. */
  public TaskStore tasks() {
    return tasks;
  }

  /** Claims and leases. */
  public TaskLeases taskLeases() {
    return taskLeases;
  }

  /** How attempts end (complete, fail or retry, requeue, cancel) and retrying a finished task. */
  public TaskOutcomes taskOutcomes() {
    return taskOutcomes;
  }

  /** Parked waits and dependencies. */
  public TaskWaits taskWaits() {
    return taskWaits;
  }

  public AgentStore agents() {
    return agents;
  }

  public Ids ids() {
    return ids;
  }

  public HandlerRegistry handlers() {
    return handlers;
  }

  /** Where changes are published after their commit and where waiters wait for them. */
  public Notifier notifier() {
    return notifier;
  }

  /**
   * A new task was committed: the daemon's own workers wake only if they could run it (no wasted
   * claims under a flood of work for others), and one external claimer that could take it wakes. A
   * delayed task wakes no claimer now; the housekeeper announces it when it comes due.
   */
  public void announce(Task created) {
    metrics.tasks().created(created);
    notifier.publish(Change.of(created, clock.millis()));
  }

  /**
   * A new task that this daemon's workers claimed in its create's own transaction: counted as
   * created, and published as running, which wakes no claimer (there is nothing to take).
   */
  public void announceStarted(Task created) {
    metrics.tasks().created(created);
    notifier.publish(new Change.TaskChanged(created.id(), TaskStatus.RUNNING));
  }

  /** The daemon's metrics, which the engine and the service feed. */
  public Metrics metrics() {
    return metrics;
  }

  public Outcomes outcomes() {
    return outcomes;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public Housekeeper housekeeper() {
    return housekeeper;
  }

  public Dependencies dependencies() {
    return dependencies;
  }

  public Queues queues() {
    return queues;
  }

  public Barriers barriers() {
    return barriers;
  }
}
