package dev.coordd.daemon.locks;

import dev.coordd.api.Lock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which other resources overlap the one an acquire asks for, decided once each and remembered for
 * the whole acquire (its retries included): whether two resources overlap depends on their names
 * alone.
 *
 * <p>Why: the conflict check runs inside the store's single writer, which every create, claim and
 * completion waits for. {@link Locks#acquire} first reads the other leases and decides them here on
 * its own thread, so inside the writer {@link #overlaps} is a look-up. Only a lease taken between
 * that read and the writer's operation is matched inside the writer; that match is cheap because
 * {@link GlobProgram} never backtracks and {@link Globs} limits what a pattern may hold.
 * Thread-safe: decided on the caller's thread, read on the writer's.
 */
final class OverlapDecisions {
  private final String resource;
  private final Map<String, Boolean> decided = new ConcurrentHashMap<>();

  OverlapDecisions(String resource) {
    this.resource = resource;
  }

  /** Decides the leases not decided yet. */
  void decide(List<Lock> others) {
    for (Lock other : others) {
      overlaps(other.resource());
    }
  }

  boolean overlaps(String other) {
    return decided.computeIfAbsent(other, o -> Globs.overlap(resource, o));
  }
}
