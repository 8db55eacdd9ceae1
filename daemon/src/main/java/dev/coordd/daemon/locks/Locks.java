package dev.coordd.daemon.locks;

import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Lock;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Channel;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.LockStore;
import dev.coordd.daemon.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive and shared leases on named resources, so that agents do not edit the same files.
 *
 * <p>A lease is a row in {@code locks}, so it survives a restart. It ends when it is released, when
 * its TTL passes by the injected clock, or when its holder goes stale (no heartbeat for {@code
 * staleAfter}, or signed off). Dead leases are deleted by every acquire (inside the same writer
 * operation, before the conflict check) and by the housekeeping sweep {@link #expire()}.
 *
 * <p>Conflicts are decided against <em>other</em> holders only: an exclusive request conflicts with
 * any overlapping lease, a shared one with an overlapping exclusive lease. Which resources overlap
 * (equal names, globs) is {@link Globs}'s rule, decided before the writer operation where it can be
 * ({@link OverlapDecisions}). The same holder acquiring again renews its lease to run {@code ttl}
 * from now, switching mode when the new mode conflicts with nobody.
 *
 * <p>A refused acquire may wait: it retries whenever a lease goes away (release, the sweep, a
 * downgrade to shared, dead leases purged by someone's acquire) and at least every poll interval
 * (another daemon on a shared store may have released), until its wait ends or its thread is
 * interrupted. Thread-safe.
 */
public final class Locks {
  /** Longest lease: an agent that wants more renews it. */
  public static final Duration MAX_TTL = Duration.ofDays(7);

  static final long MAX_TTL_MS = MAX_TTL.toMillis();

  static final int MAX_RESOURCE = 500;

  /** Most wildcards ({@code * ** ? [..]}) a lock pattern may hold; see {@link Globs}. */
  public static final int MAX_GLOB_WILDCARDS = 32;

  /** Most alternatives in all the {@code {..}} groups of a lock pattern; see {@link Globs}. */
  public static final int MAX_GLOB_ALTERNATIVES = 32;

  private static final long MAX_WAIT_MS = Duration.ofDays(3650).toMillis();
  private static final Logger log = LoggerFactory.getLogger(Locks.class);

  private final Engine engine;
  private final Store store;
  private final Clock clock;
  private final LockStore locks;
  private final long staleAfterMs;
  private final long pollMs;

  /** Told whenever a lease goes away or is downgraded: a waiter may now get its lock. */
  private final Notifier notifier;

  public Locks(Engine engine) {
    this.engine = engine;
    this.store = engine.store();
    this.clock = engine.clock();
    this.notifier = engine.notifier();
    this.locks = new LockStore(engine.config().name());
    this.staleAfterMs = engine.config().staleAfter().toMillis();
    this.pollMs = Math.max(1, engine.config().pollInterval().toMillis());
  }

  /** What one try found: the lease, or the leases in the way. */
  private record Attempt(
      Lock granted, boolean created, boolean taken, List<Lock> conflicts, boolean freed) {}

  /**
   * Acquires or renews a lease; when others hold it, waits up to {@code waitMs} (0: answer at once)
   * and then fails with a {@link ConflictException} naming every holder in the way and when their
   * leases end.
   */
  public Lock acquire(String resource, String agent, long ttlMs, boolean shared, long waitMs) {
    String res = resource(resource);
    String name = agent(agent);
    if (ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new InvalidRequestException(
          "ttlMs", "ttlMs must be positive and at most " + MAX_TTL_MS + " (7 days), got " + ttlMs);
    }
    if (waitMs < 0) {
      throw new InvalidRequestException("waitMs", "waitMs must be zero or positive, got " + waitMs);
    }
    boolean glob = Globs.isGlob(res);
    if (glob) {
      Globs.check(res);
    }
    OverlapDecisions overlaps = new OverlapDecisions(res);
    long started = System.nanoTime();
    long until = started + TimeUnit.MILLISECONDS.toNanos(Math.min(waitMs, MAX_WAIT_MS));
    while (true) {
      long seen = notifier.generation(Channel.LOCKS);
      // Matching globs happens here, on the caller's thread, against the leases a read sees; the
      // writer then only looks the answers up (see OverlapDecisions).
      overlaps.decide(store.read(tx -> locks.othersThan(tx, name, res, glob)));
      Attempt a = attempt(res, name, ttlMs, shared, glob, overlaps);
      if (a.freed()) {
        notifier.publish(new Change.LockFreed(res));
      }
      if (a.granted() != null) {
        if (Thread.currentThread().isInterrupted() && waitMs > 0 && a.created()) {
          // The caller hung up while waiting (the socket door interrupts): nobody would know it
          // holds this lease, which would block others until its TTL. Give it back.
          release(res, name);
          throw refused(res, List.of(), started, true, true);
        }
        if (a.taken()) {
          notifier.publish(new Change.LockTaken(res, name));
        }
        return a.granted();
      }
      long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
      if (left <= 0) {
        throw refused(res, a.conflicts(), started, waitMs > 0, false);
      }
      if (Thread.currentThread().isInterrupted() || notifier.stopping()) {
        throw refused(res, a.conflicts(), started, true, true); // hung up, or the daemon stops
      }
      try {
        notifier.await(Channel.LOCKS, seen, Math.min(left, pollMs));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw refused(res, a.conflicts(), started, true, true);
      }
    }
  }

  /** One writer operation: beat, purge the dead, check conflicts, upsert. */
  private Attempt attempt(
      String resource,
      String agent,
      long ttlMs,
      boolean shared,
      boolean glob,
      OverlapDecisions overlaps) {
    long now = clock.millis();
    long cutoff = now - staleAfterMs;
    String newId = engine.ids().next();
    // Returns rather than throws on a conflict: a throwing operation is rolled back, and the beat
    // and the purge must stay.
    return store
        .writer()
        .execute(
            tx -> {
              engine.agents().touch(tx, newId, agent, now);
              int purged = locks.purge(tx, now, cutoff);
              List<Lock> conflicts = new ArrayList<>();
              for (Lock other : locks.othersThan(tx, agent, resource, glob)) {
                if ((!shared || !other.shared()) && overlaps.overlaps(other.resource())) {
                  conflicts.add(other);
                }
              }
              if (!conflicts.isEmpty()) {
                return new Attempt(null, false, false, conflicts, purged > 0);
              }
              Lock before = locks.get(tx, resource, agent);
              Lock lock = locks.upsert(tx, resource, agent, shared, now, now + ttlMs);
              boolean downgraded = before != null && !before.shared() && shared;
              // A renewal is no news; a new lease or a shared one made exclusive is.
              boolean taken = before == null || (before.shared() && !shared);
              return new Attempt(lock, before == null, taken, List.of(), purged > 0 || downgraded);
            });
  }

  /**
   * Ends {@code agent}'s lease on {@code resource} (expired ones too) and wakes waiters. Refused
   * with a conflict naming the holders when the agent holds none on it; not found when nobody does.
   */
  public void release(String resource, String agent) {
    String res = resource(resource);
    String name = agent(agent);
    long now = clock.millis();
    long cutoff = now - staleAfterMs;
    List<Lock> holders =
        store
            .writer()
            .execute(
                tx -> {
                  if (locks.delete(tx, res, name)) {
                    return null;
                  }
                  return locks.holders(tx, res, now, cutoff);
                });
    if (holders == null) {
      notifier.publish(new Change.LockFreed(res));
      return;
    }
    if (holders.isEmpty()) {
      throw new NotFoundException("nobody holds a lock on " + res);
    }
    throw new ConflictException(
        name + " does not hold " + res + "; " + describe(res, holders, now));
  }

  /** Live leases, by resource then holder. */
  public List<Lock> list() {
    long now = clock.millis();
    return store.read(tx -> locks.live(tx, now, now - staleAfterMs));
  }

  /** Housekeeping chore: drops expired leases and those of stale holders; wakes waiters. */
  public void expire() {
    long now = clock.millis();
    long cutoff = now - staleAfterMs;
    int dropped = store.writer().execute(tx -> locks.purge(tx, now, cutoff));
    if (dropped > 0) {
      log.info("dropped {} expired or stale lock lease(s)", dropped);
      notifier.publish(new Change.LockFreed(null));
    }
  }

  private ConflictException refused(
      String resource,
      List<Lock> conflicts,
      long startedNanos,
      boolean waited,
      boolean interrupted) {
    long now = clock.millis();
    StringBuilder msg = new StringBuilder();
    if (conflicts.isEmpty()) {
      msg.append("resource ").append(resource).append(" was not acquired");
    } else {
      msg.append(describe(resource, conflicts, now));
    }
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    if (interrupted) {
      msg.append("; the wait was interrupted after ").append(span(took));
    } else if (waited) {
      msg.append("; waited ").append(span(took));
    }
    return new ConflictException(msg.toString());
  }

  /**
   * "resource R is held exclusively by B until 2025-01-01T10:05:00Z (lease expires in 4m59s),
   * shared by C on src/** until … (…)".
   */
  static String describe(String resource, List<Lock> holders, long now) {
    String parts =
        holders.stream()
            .sorted(Comparator.comparing(Lock::holder).thenComparing(Lock::resource))
            .map(
                l ->
                    (l.shared() ? "shared" : "exclusively")
                        + " by "
                        + l.holder()
                        + (l.resource().equals(resource) ? "" : " on " + l.resource())
                        + " until "
                        + Instant.ofEpochMilli(l.expiresAt())
                        + " (lease expires in "
                        + span(l.expiresAt() - now)
                        + ")")
            .collect(Collectors.joining(", "));
    // A TTL is an upper bound: a holder that stops beating loses its leases sooner (stale).
    return "resource "
        + resource
        + " is held "
        + parts
        + "; a holder that stops sending heartbeats loses its leases sooner";
  }

  /** A short span like 4m59s, 250ms, 2h0m. */
  static String span(long millis) {
    if (millis < 1000) {
      return Math.max(0, millis) + "ms";
    }
    long s = millis / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (s < 86_400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
    return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : s % 86_400 / 3600 + "h");
  }

  private static String resource(String resource) {
    if (resource == null || resource.isBlank()) {
      throw new InvalidRequestException("resource", "resource is required");
    }
    if (resource.length() > MAX_RESOURCE) {
      throw new InvalidRequestException(
          "resource",
          "resource is " + resource.length() + " characters; the limit is " + MAX_RESOURCE);
    }
    for (int i = 0; i < resource.length(); i++) {
      if (Character.isISOControl(resource.charAt(i))) {
        throw new InvalidRequestException(
            "resource",
            "resource must not contain control"
                + " characters (found U+"
                + String.format("%04X", (int) resource.charAt(i))
                + " at position "
                + i
                + ")");
      }
    }
    return resource;
  }

  private static String agent(String agent) {
    return Rules.name("agent", agent);
  }
}
