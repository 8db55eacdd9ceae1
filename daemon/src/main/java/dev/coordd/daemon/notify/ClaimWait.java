package dev.coordd.daemon.notify;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * One claimer's wait for work it can take (see {@link Notifier#awaitClaimable}). Register before
 * the first claim, so a task that becomes available between the claim and the wait is not missed;
 * then around every claim call {@link #beforeClaim} and {@link #afterClaim}, and {@link #await}
 * between claims. Close it when done: what it was handed and did not use goes to another waiter.
 *
 * <p>Thread-safe: its state is guarded by the registry's lock; it is meant for one claiming thread.
 */
public final class ClaimWait implements AutoCloseable {
  private final ClaimWaiters registry;
  final String agent;
  final Set<String> types; // empty: any type
  final long order;
  private final int max;
  private final Condition handedSome;
  // all guarded by registry.lock
  boolean indexed;
  private boolean closed;
  private boolean woken; // released: the daemon is stopping
  private final List<ClaimWaiters.Offer> handed = new ArrayList<>();
  private List<ClaimWaiters.Offer> answered = List.of(); // handed before the last claim
  private Set<String> lastClaimed = new HashSet<>(); // may be asked about a null id
  private boolean lastClaimFull;
  private boolean claimOpen; // a claim began and did not report back (it threw)

  ClaimWait(ClaimWaiters registry, String agent, Set<String> types, int max, long order) {
    this.registry = registry;
    this.agent = agent;
    this.types = Set.copyOf(types);
    this.max = max;
    this.order = order;
    this.handedSome = registry.lock.newCondition();
  }

  /**
   * Waits up to {@code millis} for something to claim; true if something was handed (or the daemon
   * is stopping), false if the wait ran out: then there is nothing to claim and nothing to write.
   */
  public boolean await(long millis) throws InterruptedException {
    registry.lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
      while (handed.isEmpty() && !woken && !registry.released() && nanos > 0) {
        nanos = handedSome.awaitNanos(nanos);
      }
      return !handed.isEmpty() || woken || registry.released();
    } finally {
      registry.lock.unlock();
    }
  }

  /** The claim about to run answers what was handed so far; the waiter has room again. */
  public void beforeClaim() {
    registry.lock.lock();
    try {
      answered = new ArrayList<>(handed);
      handed.clear();
      lastClaimed = new HashSet<>();
      lastClaimFull = false;
      claimOpen = true;
      if (!closed) {
        registry.reindex(this);
      }
    } finally {
      registry.lock.unlock();
    }
  }

  /**
   * What the claim took, and whether it took its maximum. A claim short of its maximum took
   * everything it could see, so what it answered is settled; a full one may have left some of it,
   * which {@link #close} hands on.
   */
  public void afterClaim(Collection<String> claimedIds, boolean full) {
    registry.lock.lock();
    try {
      lastClaimed = new HashSet<>(claimedIds);
      lastClaimFull = full;
      claimOpen = false;
    } finally {
      registry.lock.unlock();
    }
  }

  /** With the registry's lock held: takes {@code offer}; false when now full. */
  boolean hand(ClaimWaiters.Offer offer) {
    handed.add(offer);
    handedSome.signal();
    return handed.size() < max;
  }

  /** With the registry's lock held: the daemon is stopping. */
  void wake() {
    woken = true;
    handedSome.signal();
  }

  /** Leaves the registry, handing on what this waiter was given and did not claim. */
  @Override
  public void close() {
    registry.lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      List<ClaimWaiters.Offer> leftover = new ArrayList<>();
      if (lastClaimFull || claimOpen) { // a claim that failed answered nothing
        answered.stream().filter(o -> !lastClaimed.contains(o.taskId())).forEach(leftover::add);
      }
      // handed while the last claim ran or after it: that claim may not have seen these
      handed.stream().filter(o -> !lastClaimed.contains(o.taskId())).forEach(leftover::add);
      handed.clear();
      registry.leave(this, leftover);
    } finally {
      registry.lock.unlock();
    }
  }
}
