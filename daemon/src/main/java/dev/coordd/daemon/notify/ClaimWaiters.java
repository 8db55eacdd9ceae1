package dev.coordd.daemon.notify;

import dev.coordd.api.Agent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The claimers waiting for work, indexed by what they can take: tasks assigned to their agent name
 * or to its role (the part of {@code reviewer@1a2b3c} before {@code @}), and unassigned tasks of
 * their types (or of any type). A task that becomes available is handed to one waiter that can take
 * it, the one waiting longest, and only to a waiter with room for it (no more tasks handed than its
 * claim's maximum); a waiter that could take nothing more leaves the indexes until its claim runs.
 * So a new task costs one wake-up and one claim, however many agents wait, and a waiter nobody
 * hands anything sleeps without touching the store.
 *
 * <p>A hand-off may miss: another claimer may take the task first, or it is not claimable yet (its
 * type is paused or at its cap). A woken waiter whose claim came back short of its maximum took
 * everything it could, so what it was handed is settled and goes nowhere else; a waiter whose claim
 * came back full may have left some of it behind, so it hands that on as it leaves ({@link
 * ClaimWait#close}). Chains of hand-offs are as long as the work they find.
 *
 * <p>Thread-safe: one lock guards the indexes and every waiter's state; each waiter sleeps on its
 * own condition of that lock, so a hand-off wakes exactly one thread. A lock, not {@code
 * synchronized}, so waiting virtual threads do not pin their carrier on Java 21.
 */
final class ClaimWaiters {
  /** What was handed: a task (or, with a null id, "look at this type again") of a type. */
  record Offer(String taskId, String type, String assignedTo) {}

  final ReentrantLock lock = new ReentrantLock();
  private final Map<String, LinkedHashSet<ClaimWait>> byAgent = new HashMap<>();
  private final Map<String, LinkedHashSet<ClaimWait>> byType = new HashMap<>();
  private final LinkedHashSet<ClaimWait> anyType = new LinkedHashSet<>();
  private long registered; // guarded by lock; registration order
  private long handOffs; // guarded by lock
  private final Set<ClaimWait> waiting = new HashSet<>(); // indexed or not (full)
  private boolean released; // guarded by lock; every wait ends at once from now on

  ClaimWait register(String agent, Set<String> types, int max) {
    lock.lock();
    try {
      ClaimWait w = new ClaimWait(this, agent, types, max, registered++);
      waiting.add(w);
      index(w);
      if (released) {
        w.wake();
      }
      return w;
    } finally {
      lock.unlock();
    }
  }

  /** Hands {@code offer} to the longest-waiting claimer that can take it, if any has room. */
  void offer(Offer offer) {
    lock.lock();
    try {
      ClaimWait w = pick(offer);
      if (w != null) {
        handOffs++;
        if (!w.hand(offer)) {
          unindex(w); // full: the next offer goes to someone else
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait, now and later (the daemon is stopping). */
  void releaseAll() {
    lock.lock();
    try {
      released = true;
      waiting.forEach(ClaimWait::wake);
    } finally {
      lock.unlock();
    }
  }

  /** How many hand-offs there were, each one a woken claimer (for tests and stats). */
  long handOffs() {
    lock.lock();
    try {
      return handOffs;
    } finally {
      lock.unlock();
    }
  }

  /** How many claimers wait now. */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  boolean released() {
    return released; // callers hold lock
  }

  /** Called by {@code w} with lock held: back in the indexes, with room again. */
  void reindex(ClaimWait w) {
    index(w);
  }

  /** Called by {@code w} with lock held as it leaves; hands on what it could not use. */
  void leave(ClaimWait w, List<Offer> leftover) {
    unindex(w);
    waiting.remove(w);
    leftover.forEach(this::offer);
  }

  private ClaimWait pick(Offer offer) {
    if (offer.assignedTo() != null) {
      // only the assignee, or an instance of the role it names, may claim it
      return first(byAgent.get(offer.assignedTo()));
    }
    ClaimWait typed = first(byType.get(offer.type()));
    ClaimWait any = first(anyType);
    if (typed == null || any == null) {
      return typed != null ? typed : any;
    }
    return typed.order < any.order ? typed : any;
  }

  private static ClaimWait first(LinkedHashSet<ClaimWait> set) {
    return set == null || set.isEmpty() ? null : set.getFirst();
  }

  private void index(ClaimWait w) {
    if (w.indexed) {
      return;
    }
    w.indexed = true;
    byAgent.computeIfAbsent(w.agent, k -> new LinkedHashSet<>()).add(w);
    String role = Agent.roleOf(w.agent);
    if (role != null) {
      byAgent.computeIfAbsent(role, k -> new LinkedHashSet<>()).add(w);
    }
    if (w.types.isEmpty()) {
      anyType.add(w);
    } else {
      w.types.forEach(t -> byType.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(w));
    }
  }

  private void unindex(ClaimWait w) {
    if (!w.indexed) {
      return;
    }
    w.indexed = false;
    remove(byAgent, w.agent, w);
    String role = Agent.roleOf(w.agent);
    if (role != null) {
      remove(byAgent, role, w);
    }
    if (w.types.isEmpty()) {
      anyType.remove(w);
    } else {
      w.types.forEach(t -> remove(byType, t, w));
    }
  }

  private static void remove(Map<String, LinkedHashSet<ClaimWait>> index, String key, ClaimWait w) {
    LinkedHashSet<ClaimWait> set = index.get(key);
    if (set != null && set.remove(w) && set.isEmpty()) {
      index.remove(key);
    }
  }
}
