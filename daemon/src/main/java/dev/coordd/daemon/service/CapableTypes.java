package dev.coordd.daemon.service;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Remembers, for a second, that some agent lists a task type as a capability, so a stream of
 * creates of one type does not read the agents table once per create (it was a store read on every
 * create of a type no handler runs). Only "yes" is remembered: a type nobody could run is asked
 * again each time, so an agent that registers the capability is seen at once, and a hostile caller
 * inventing types cannot fill this map. An agent dropping the capability is seen within {@link
 * #TTL_MS}, which is fine for a guard whose purpose is to stop tasks nobody could ever claim.
 * Thread-safe.
 */
final class CapableTypes {
  static final long TTL_MS = 1_000;

  /** Bounded by the types agents registered; cleared outright past this, never grown further. */
  private static final int MAX_TYPES = 4_096;

  private final Clock clock;
  private final Predicate<String> anyCapable;
  private final Map<String, Long> seenUntil = new ConcurrentHashMap<>();

  /**
   * @param anyCapable asks the store whether any agent lists the type
   */
  CapableTypes(Clock clock, Predicate<String> anyCapable) {
    this.clock = clock;
    this.anyCapable = anyCapable;
  }

  boolean capable(String type) {
    long now = clock.millis();
    Long until = seenUntil.get(type);
    if (until != null && now < until) {
      return true;
    }
    if (!anyCapable.test(type)) {
      seenUntil.remove(type);
      return false;
    }
    if (seenUntil.size() >= MAX_TYPES) {
      seenUntil.clear();
    }
    seenUntil.put(type, now + TTL_MS);
    return true;
  }
}
