package dev.coordd.daemon.notify;

/**
 * What a generation waiter waits for. Each {@link Change} moves the channels whose waiters it may
 * unblock; a waiter re-reads the store when its channel moves, so a channel only says "look again".
 */
public enum Channel {
  /**
   * Tasks may have become claimable: created, requeued, retried, finished (a capped slot freed),
   * queue policy changed, time passed.
   */
  WORK,
  /** An event was published. */
  EVENTS,
  /** A lock lease went away or was downgraded. */
  LOCKS
}
