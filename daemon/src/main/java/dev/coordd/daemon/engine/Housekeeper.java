package dev.coordd.daemon.engine;

import dev.coordd.api.Task;
import dev.coordd.daemon.cluster.Leadership;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.metrics.TaskMetrics;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.AgentStore;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskLeases;
import dev.coordd.daemon.watch.Watchdog;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic chores, all judged by the injected clock: enforce handler timeouts, beat the
 * daemon's own heartbeat and renew its leases, and return expired leases (including those of stale
 * agents) to the queue. {@link #tick()} is one round; tests step the clock and call it.
 *
 * <p>On a store shared by several daemons, each round does this daemon's own work (timeouts, its
 * heartbeat and leases, its chores) on every daemon, and the work on shared state (reaping expired
 * leases, announcing delayed tasks that came due, the cluster chores) only on the leader, so it is
 * done once per round in the cluster, not once per daemon.
 */
public final class Housekeeper {
  static final long TICK_MILLIS = 250;
  private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

  private final DaemonConfig config;
  private final Store store;
  private final TaskLeases leases;
  private final AgentStore agents;
  private final Dispatcher dispatcher;
  private final Outcomes outcomes;
  private final Clock clock;
  private final Notifier notifier;
  private final long beatEvery;
  private final ReentrantLock roundLock = new ReentrantLock();
  private final List<Runnable> chores = new CopyOnWriteArrayList<>();
  private final List<Runnable> clusterChores = new CopyOnWriteArrayList<>();
  private final Leadership leadership;
  private final TaskMetrics metrics;
  private long nextBeat;
  private long lastRoundAt = Long.MIN_VALUE; // guarded by roundLock
  // Delayed tasks due up to here were announced (guarded by roundLock). Starts at construction:
  // tasks due before then are found by every claimer's first claim.
  private long dueThrough;
  private final Watchdog watchdog = Watchdog.start("the housekeeper", Watchdog.DEFAULT_LIMIT);
  private volatile boolean running;
  private Thread loop;

  Housekeeper(
      DaemonConfig config,
      Store store,
      TaskLeases leases,
      AgentStore agents,
      Dispatcher dispatcher,
      Outcomes outcomes,
      Clock clock,
      Notifier notifier,
      Leadership leadership,
      TaskMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.leadership = leadership;
    this.store = store;
    this.leases = leases;
    this.agents = agents;
    this.dispatcher = dispatcher;
    this.outcomes = outcomes;
    this.clock = clock;
    this.notifier = notifier;
    // Renew well before a lease can lapse, and at least as often as agents are expected to beat.
    this.beatEvery =
        Math.min(config.heartbeatInterval().toMillis(), config.leaseDuration().toMillis() / 3);
    this.dueThrough = clock.millis();
  }

  /**
   * Adds work to every round (e.g. settling invocations); it must be quick and judge by the clock.
   */
  void addChore(Runnable chore) {
    chores.add(chore);
  }

  /** Adds work to the rounds of the cluster's leader only (see {@link Engine#addClusterChore}). */
  void addClusterChore(Runnable chore) {
    clusterChores.add(chore);
  }

  void start() {
    running = true;
    // A platform thread: leases and timeouts must not wait for a carrier that busy handlers hold.
    loop = Thread.ofPlatform().name("coordd-housekeeper").daemon(true).start(this::run);
  }

  /**
   * Ends the periodic rounds (the daemon does at stop; tests that must see only notifications do at
   * start, and run rounds themselves with {@link #tick()}).
   */
  public void stop() {
    running = false;
    if (loop != null) {
      loop.interrupt();
      try {
        loop.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    watchdog.close();
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(TICK_MILLIS);
        watchdog.begin("a housekeeping round");
        try {
          tick();
        } finally {
          watchdog.end();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("housekeeping round failed; next round goes on", e);
      }
    }
  }

  /** One round of chores; rounds never overlap. */
  public void tick() {
    roundLock.lock();
    try {
      round();
    } finally {
      roundLock.unlock();
    }
  }

  private void round() {
    dispatcher.enforceTimeouts();
    long now = clock.millis();
    if (now >= nextBeat) {
      beat(now);
      nextBeat = now + beatEvery;
    }
    boolean leads = leadership.isLeader();
    if (leads) {
      reapExpired(now);
      // the leader's announcement crosses to every daemon's claimers
      announceDue(now);
    } else {
      dueThrough = now; // should this daemon lead later, it announces from then on
    }
    runAll(chores);
    if (leads) {
      runAll(clusterChores);
    }
    if (now != lastRoundAt) {
      // Time moved, for the dispatcher and listeners; claim waiters do not wake on it (a task that
      // came due was announced above). A clock that stands still, as in tests, moves nothing.
      lastRoundAt = now;
      notifier.publish(new Change.TimePassed(now));
    }
  }

  private static void runAll(List<Runnable> list) {
    for (Runnable chore : list) {
      try {
        chore.run();
      } catch (RuntimeException e) {
        log.error("housekeeping chore failed; the others go on", e);
      }
    }
  }

  /**
   * Publishes each delayed task (a run time, a backoff) that came due since the last round as
   * available, which wakes one claimer that can take it: time passing wakes nobody by itself, so
   * 1,000 idle claimers cost nothing per round. One range of the due index.
   */
  private void announceDue(long now) {
    if (now < dueThrough) {
      dueThrough = now; // the clock went back: what comes due again is announced again
      return;
    }
    if (now == dueThrough) {
      return;
    }
    long after = dueThrough;
    List<Task> due = store.read(tx -> leases.becameDue(tx, after, now));
    dueThrough = now;
    for (Task t : due) {
      notifier.publish(new Change.TaskAvailable(t.id(), t.type(), t.assignedTo()));
    }
  }

  private void beat(long now) {
    String self = config.name();
    long defaultLease = config.leaseDuration().toMillis();
    Set<String> inHand = dispatcher.inFlight();
    store
        .writer()
        .execute(
            tx -> {
              agents.heartbeat(tx, self, now);
              // Only what a worker really holds: a row whose outcome could not be recorded must not
              // be
              // kept alive forever by a blanket renewal; it expires and runs again.
              return leases.renewListed(tx, self, inHand, now, defaultLease);
            });
  }

  private void reapExpired(long now) {
    long staleCutoff = now - config.staleAfter().toMillis();
    long defaultLease = config.leaseDuration().toMillis();
    List<Task> expired =
        store.read(tx -> leases.expired(tx, now, defaultLease, staleCutoff, config.name()));
    Set<String> mine = dispatcher.inFlight();
    for (Task t : expired) {
      if (mine.contains(t.id())) {
        continue; // renewed above; a clock jump is not a lost worker
      }
      boolean ranOut = t.leaseExpiresAt() != null && t.leaseExpiresAt() < now;
      String why =
          ranOut
              ? "lease expired: " + t.leaseOwner() + " stopped renewing it"
              : "lease expired: its owner " + t.leaseOwner() + " went stale (no heartbeat)";
      metrics.leaseExpired(t);
      Task after = outcomes.fail(t, why, ranOut ? "lease_expired" : "owner_stale", false);
      if (after != null) {
        log.info("task {} {}; now {}", t.id(), why, after.status().wire());
      }
    }
  }
}
