package dev.coordd.daemon.notify;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The in-process {@link Notifier}: one daemon, one JVM.
 *
 * <p>{@link #publish} holds one lock while it moves the channels, signals latches, releases task
 * waiters and queues the change on every feed, so every listener sees changes in the same order,
 * the order of the publish calls (for one committing thread that is its commit order; changes
 * committed at the same time by two threads may be published in either order, and carry their own
 * sequence, such as an event's seq, where order matters). Nothing in it blocks: a feed's queue is
 * bounded, and a listener that falls {@code capacity} changes behind is dropped with a warning and
 * told why ({@link Feed.Listener#closed}), rather than slowing publishers or growing without end. A
 * live view re-reads the state and listens again.
 *
 * <p>Thread-safe; locks, not {@code synchronized}, so virtual threads do not pin on Java 21.
 */
public final class LocalNotifier implements Notifier {
  private final ReentrantLock publishing = new ReentrantLock();
  private final Map<Channel, Generation> channels = new EnumMap<>(Channel.class);
  private final Map<String, List<TaskWait>> taskWaits = new ConcurrentHashMap<>();
  private final List<Watch> latches = new CopyOnWriteArrayList<>();
  private final List<LocalFeed> feeds = new CopyOnWriteArrayList<>();
  private final ClaimWaiters claimers = new ClaimWaiters();
  private volatile boolean stopping;
  private volatile boolean closed;

  private record Watch(Latch latch, Predicate<Change> wakesOn) {}

  public LocalNotifier() {
    for (Channel c : Channel.values()) {
      channels.put(c, new Generation());
    }
  }

  @Override
  public void publish(Change change) {
    publishing.lock();
    try {
      if (change instanceof Change.Stopping) {
        stopping = true;
      }
      change.channels().forEach(c -> channels.get(c).advance());
      if (change instanceof Change.TaskFinished f) {
        release(f.id());
      }
      wakeClaimers(change);
      for (Watch w : latches) {
        if (w.wakesOn().test(change)) {
          w.latch().signal();
        }
      }
      for (LocalFeed f : feeds) {
        f.offer(change);
      }
    } finally {
      publishing.unlock();
    }
  }

  /**
   * Moves every channel without a change to tell: generation waiters look again. For a notifier
   * that shares the store with other daemons, whose notifications may have been lost.
   */
  void advanceAll() {
    publishing.lock();
    try {
      channels.values().forEach(Generation::advance);
    } finally {
      publishing.unlock();
    }
  }

  /** One claimer per task that became available; one per type whose claims may find more. */
  private void wakeClaimers(Change change) {
    switch (change) {
      case Change.TaskAvailable t ->
          claimers.offer(new ClaimWaiters.Offer(t.id(), t.type(), t.assignedTo()));
      case Change.QueuePolicyChanged q ->
          claimers.offer(new ClaimWaiters.Offer(null, q.type(), null));
      case Change.CapacityFreed c -> claimers.offer(new ClaimWaiters.Offer(null, c.type(), null));
      case Change.Stopping s -> claimers.releaseAll();
      default -> {} // time passing, finishes and the rest make nothing claimable by themselves
    }
  }

  @Override
  public ClaimWait awaitClaimable(String agent, Collection<String> types, int max) {
    return claimers.register(agent, new HashSet<>(types), max);
  }

  /** How many claim waiters were woken by a hand-off since start (each one claim). */
  public long claimWakeups() {
    return claimers.handOffs();
  }

  /** How many claimers wait for work now. */
  public int claimWaiters() {
    return claimers.waiting();
  }

  @Override
  public long generation(Channel channel) {
    return channels.get(channel).current();
  }

  @Override
  public void await(Channel channel, long seen, long millis) throws InterruptedException {
    if (!closed) {
      channels.get(channel).await(seen, millis);
    }
  }

  @Override
  public TaskWait awaitTask(String taskId) {
    TaskWait w = new TaskWait(taskId, this::forget);
    // add inside compute: a forget or release racing with us must not drop the list we add to
    taskWaits.compute(
        taskId,
        (k, list) -> {
          List<TaskWait> l = list == null ? new CopyOnWriteArrayList<>() : list;
          l.add(w);
          return l;
        });
    if (closed) {
      w.release();
    }
    return w;
  }

  private void forget(TaskWait w) {
    taskWaits.computeIfPresent(
        w.taskId(),
        (k, list) -> {
          list.remove(w);
          return list.isEmpty() ? null : list;
        });
  }

  private void release(String taskId) {
    List<TaskWait> list = taskWaits.remove(taskId);
    if (list != null) {
      list.forEach(TaskWait::release);
    }
  }

  @Override
  public Latch latch(Predicate<Change> wakesOn) {
    Latch latch = new Latch();
    latches.add(new Watch(latch, wakesOn));
    if (closed) {
      latch.signal();
    }
    return latch;
  }

  @Override
  public Feed listen(Feed.Listener listener, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    LocalFeed feed = new LocalFeed(listener, capacity, feeds::remove);
    publishing.lock(); // joins between two publishes, so it never sees half of one
    try {
      if (closed) {
        feed.end("the daemon stopped"); // its thread tells the listener
      } else {
        feeds.add(feed);
      }
    } finally {
      publishing.unlock();
    }
    feed.start();
    return feed;
  }

  @Override
  public boolean stopping() {
    return stopping;
  }

  @Override
  public void close() {
    publishing.lock();
    try {
      stopping = true;
      closed = true;
      channels.values().forEach(Generation::advance);
      taskWaits.keySet().forEach(this::release);
      claimers.releaseAll();
      latches.forEach(w -> w.latch().signal());
      feeds.forEach(f -> f.end("the daemon stopped"));
    } finally {
      publishing.unlock();
    }
  }
}
