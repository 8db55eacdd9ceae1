package dev.coordd.daemon.engine;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.QueueState;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.QueueStore;
import dev.coordd.daemon.store.QueueStore.Policy;
import dev.coordd.daemon.store.Store;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-type pause and concurrency limits. They live in the store and the claim reads them in its own
 * transaction, so every claimer honours them, the daemon's workers and external agents alike.
 * Thread-safe.
 */
public final class Queues {
  static final int MAX_LIMIT = 100_000;

  private final Store store;
  private final QueueStore queues;
  private final Notifier notifier;
  // Types with a concurrency cap, as this daemon last read them: a task of one of these that stops
  // running frees a slot, and only then is that worth waking a claimer for. Replaced whole, so
  // readers need no lock.
  private volatile Set<String> capped = Set.of();
  // Set when any daemon sharing the store changed a queue's policy (it crosses as a notification):
  // the next look at the cache reads it again, so a cap set elsewhere frees slots here too.
  private volatile boolean stale;

  Queues(Store store, Notifier notifier) {
    this.store = store;
    this.queues = new QueueStore(store.sql());
    this.notifier = notifier;
    notifier.latch(this::marksStale); // a latch never signalled: only the mark matters
  }

  private boolean marksStale(Change change) {
    if (change instanceof Change.QueuePolicyChanged) {
      stale = true;
    }
    return false;
  }

  public QueueState pause(String type) {
    return change(type, true, null, false);
  }

  public QueueState resume(String type) {
    return change(type, false, null, false);
  }

  /** Sets (or with null, removes) the cap on running tasks of {@code type}. */
  public QueueState limit(String type, Integer maxConcurrency) {
    if (maxConcurrency != null && (maxConcurrency < 1 || maxConcurrency > MAX_LIMIT)) {
      throw new InvalidRequestException(
          "maxConcurrency",
          "maxConcurrency must be between 1 and "
              + MAX_LIMIT
              + " (or none to remove the limit), got "
              + maxConcurrency);
    }
    return change(type, null, maxConcurrency, true);
  }

  /** Applies the configuration's limits at start; limits set at run time for other types stay. */
  void applyConfigured(Map<String, Integer> limits) {
    limits.forEach(this::limit);
  }

  private QueueState change(String type, Boolean paused, Integer cap, boolean setCap) {
    checkType(type);
    store
        .writer()
        .execute(
            tx -> {
              queues.upsert(tx, type, paused, cap, setCap);
              return null;
            });
    refreshCapped();
    // a resume or a raised cap may free work for waiting claimers
    notifier.publish(new Change.QueuePolicyChanged(type));
    return list().stream().filter(q -> q.type().equals(type)).findFirst().orElseThrow();
  }

  /** Whether {@code type} has a concurrency cap (so a task of it that stops running frees one). */
  boolean capped(String type) {
    if (stale) {
      stale = false;
      refreshCapped();
    }
    return capped.contains(type);
  }

  /** Re-reads which types are capped (at start: limits set in an earlier run stay). */
  void refreshCapped() {
    Map<String, Policy> policies = store.read(queues::policies);
    Set<String> now = new HashSet<>();
    policies.forEach(
        (type, p) -> {
          if (p.cap() != null) {
            now.add(type);
          }
        });
    capped = Set.copyOf(now);
  }

  public List<QueueState> list() {
    return store.read(
        tx -> {
          Map<String, Policy> policies = queues.policies(tx);
          Map<String, long[]> counts = queues.counts(tx);
          TreeMap<String, QueueState> out = new TreeMap<>();
          policies.forEach(
              (type, p) -> out.put(type, new QueueState(type, p.paused(), p.cap(), 0, 0)));
          counts.forEach(
              (type, c) -> {
                Policy p = policies.getOrDefault(type, new Policy(false, null));
                out.put(type, new QueueState(type, p.paused(), p.cap(), c[0], c[1]));
              });
          return new ArrayList<>(out.values());
        });
  }

  private static void checkType(String type) {
    Rules.name("type", type);
  }
}
